// The 4-byte tag of a configured LAN name, sent in v2's LAN TLV so peers can pair LANs by name, not position.
import { createHmac } from 'node:crypto'

/**
 * First 4 bytes of HMAC-SHA256 keyed "faild lan" over the name, as clusterTag (codec.ts) does for
 * cluster names; never 0, which on the wire means "no name".
 */
export function lanTag(name: string): number {
  const h = createHmac('sha256', 'faild lan').update(name, 'utf8').digest().readUInt32BE(0)
  return h === 0 ? 1 : h
}
