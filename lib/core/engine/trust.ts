// What the engine believes of a packet's addresses: plausible ones, from the peer itself, not taken from another.
//
// Without a key anyone on a LAN can send a packet that names any node id and advertises any
// addresses, and those addresses become next hops and host routes. So an address must be one a
// host on that LAN can have, a packet naming a known peer must come from that peer's address, and
// what a peer is known by changes only once it has gone silent where it changes.
import { HANDLE_PREFIX_LEN, isHandle } from '../link-handles.js'
import { isHostOn, sameSubnet } from '../util/ipv4.js'
import type { Message } from '../wire/message.js'

/** What the rules read of a peer's entry (peer.ts Peer and PeerLan; peer-addresses.ts applies these rules). */
export interface Known {
  readonly id: number
  readonly intervalMs: number
  /** On any LAN, and on each (monotonic ms; -Infinity: never). */
  readonly lastHeard: number
  readonly confirmed: boolean
  readonly lans: ReadonlyArray<{ readonly address: number; readonly lastHeard: number }>
}

/** What the rules read of the engine's configuration. */
export interface TrustConfig {
  /** This host's address on each LAN, by LAN index. */
  readonly addresses: readonly number[]
  /** This host's prefix length on each LAN, by LAN index. */
  readonly prefixLens: readonly number[]
  readonly failAfter: number
  readonly intervalMs: number
}

/** How long a peer unheard on a LAN counts as gone there: failAfter of the longer interval, as a path goes down. */
export function silentMs(peer: Known, c: TrustConfig): number {
  return c.failAfter * Math.max(peer.intervalMs, c.intervalMs)
}

const silent = (pl: Known['lans'][number], now: number, ms: number): boolean => now - pl.lastHeard > ms

/**
 * `address` can be a peer's on LAN `lan`: 0 (none there), or a unicast host of this host's subnet
 * there, not this host; on an IPv6-only LAN, a handle of that LAN (core/link-handles.ts).
 */
export function plausible(address: number, lan: number, c: TrustConfig): boolean {
  if (address === 0) return true
  const mine = c.addresses[lan]!
  if (isHandle(mine)) return isHandle(address) && sameSubnet(address, mine, HANDLE_PREFIX_LEN) && address !== mine
  return isHostOn(address, mine, c.prefixLens[lan]!) && !c.addresses.includes(address)
}

/** An address the packet advertises, other than the table holds for the sender, is implausible. */
export function advertisesImplausible(msg: Message, peer: Known | undefined, c: TrustConfig): boolean {
  // Only changed addresses are checked: a peer's rarely change, so a known peer's packet costs a compare per LAN.
  for (let lan = 0; lan < c.addresses.length; lan++) {
    const address = msg.addresses[lan] ?? 0
    if (address !== (peer?.lans[lan]?.address ?? 0) && !plausible(address, lan, c)) return true
  }
  return false
}

/**
 * A packet naming known `peer` that arrived on `lan` from `src`, not the peer's address there,
 * while the peer is heard from a known address on some LAN: someone else. Only a peer silent on
 * every LAN (restarted with new addresses) may be heard from a new source.
 */
export function notThePeer(peer: Known | undefined, lan: number, src: number, now: number, c: TrustConfig): boolean {
  if (!peer || peer.lans[lan]!.address === src) return false
  const ms = silentMs(peer, c)
  return peer.lans.some((pl) => pl.address !== 0 && !silent(pl, now, ms))
}

/**
 * The table takes `address` as the peer's on `lan`: where it had none, or where it has been silent
 * (a re-addressed host). An address the peer is heard from is replaced by no packet, on any LAN.
 */
export function adopts(peer: Known, lan: number, address: number, now: number, c: TrustConfig): boolean {
  const pl = peer.lans[lan]!
  return address !== pl.address && (pl.address === 0 || silent(pl, now, silentMs(peer, c)))
}

/** A confirmed peer still heard somewhere keeps its addresses; another id claiming one is forged. */
export function keepsAddresses(holder: Known, now: number, c: TrustConfig): boolean {
  return holder.confirmed && now - holder.lastHeard <= silentMs(holder, c)
}

/** An address the packet would teach the table is held by another peer that keeps it. */
export function claimsKept(
  msg: Message,
  peer: Known | undefined,
  now: number,
  c: TrustConfig,
  holderOf: (lan: number, address: number) => Known | undefined,
): boolean {
  for (let lan = 0; lan < c.addresses.length; lan++) {
    const address = msg.addresses[lan] ?? 0
    if (address === 0 || (peer && !adopts(peer, lan, address, now, c))) continue
    const holder = holderOf(lan, address)
    if (holder && holder.id !== msg.from && keepsAddresses(holder, now, c)) return true
  }
  return false
}
