// Which IPv6 address a peer's packet may give it on a LAN: a word in the packet that its source does not prove, so taken only with a key.
//
// faild probes over IPv4, so a peer's IPv6 address is something its packet says, not where the
// packet came from (as a peer's IPv4 address must be: admit.ts spoofed-source). Without a key
// anyone on a LAN could give any IPv6 address to any node id and, by going silent on that LAN,
// have it routed through itself. With a key, the packet is the peer's own word: an address it
// gives is taken at once (a peer renumbered by SLAAC or by hand goes on sending, so waiting for
// it to go silent kept its old address for good, and faild would route that address, perhaps
// another host's by then, through the peer), and one it no longer gives is dropped. The address
// must still be a routable host of this host's IPv6 subnet on that LAN, not this host's own, and
// not one another peer still heard holds there (as trust.ts keepsAddresses for IPv4).
import { type IPv6, isHostOn6, sameIPv6 } from '../util/ipv6.js'
import { type Known, keepsAddresses, type TrustConfig } from './trust.js'

/** This host's IPv6 address on a LAN, as the engine is told it. */
export interface OwnIPv6 {
  readonly address: IPv6
  readonly prefixLen: number
}

/** What the rule reads of the configuration. */
export interface Trust6Config extends TrustConfig {
  readonly authenticated?: boolean
  /** This host's global or ULA IPv6 address on each LAN, by LAN index (undefined: none there). */
  readonly ipv6?: ReadonlyArray<OwnIPv6 | undefined>
}

/** What the rule reads of the peer's entry (peer.ts Peer). */
interface Known6 extends Known {
  readonly lans: ReadonlyArray<Known['lans'][number] & { readonly ipv6?: IPv6 | undefined }>
}

/**
 * The table takes `address` as the peer's IPv6 address on `lan` (see above); `holderOf`: the
 * peer that holds an address there now, if any.
 */
export function adopts6(
  peer: Known6,
  lan: number,
  address: IPv6,
  now: number,
  c: Trust6Config,
  holderOf: (lan: number, address: IPv6) => Known | undefined = () => undefined,
): boolean {
  const mine = c.ipv6?.[lan]
  const pl = peer.lans[lan]
  if (!c.authenticated || !mine || !pl || (pl.ipv6 && sameIPv6(pl.ipv6, address))) return false
  if (!isHostOn6(address, mine.address, mine.prefixLen) || c.ipv6!.some((o) => o && sameIPv6(o.address, address)))
    return false
  const holder = holderOf(lan, address)
  return holder === undefined || holder.id === peer.id || !keepsAddresses(holder, now, c)
}
