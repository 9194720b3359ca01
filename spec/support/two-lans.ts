// The engine the engine specs start from: this host and one peer on two /24 LANs, a requestor every 100 ms.
import type { EngineConfig } from '../../lib/core/engine/engine.js'

/** This host: 198.18.1.1 on LAN A, 198.18.2.1 on LAN B; its node id is its LAN A address. */
export const ME = 0xc6120101
export const MY_ADDR = [ME, 0xc6120201]
/** The peer: 198.18.1.2 and 198.18.2.2. */
export const PEER = 0xc6120102
export const PEER_ADDR = [PEER, 0xc6120202]

export const TWO_LANS: EngineConfig = {
  nodeId: ME,
  boot: 1,
  addresses: MY_ADDR,
  prefixLens: [24, 24],
  requestor: true,
  intervalMs: 100,
  failAfter: 3,
  upAfter: 2,
}
