// Service addresses on the wire: what a peer's packet may teach this host about where its addresses are.
//
// A peer that holds a service address says so in every packet, with the LAN it holds it on, so
// that this host routes the address over that LAN (NetMon's case: the address moved to a NIC on
// another LAN, which no client's connected route follows). Such a claim names an address the
// packet's source need not have: only a key proves who sent it, so without one it is not taken.
import { isHostOn } from '../util/ipv4.js'
import type { HeldAddress, Message } from '../wire/message.js'
import type { EngineConfig } from './config.js'

export const NO_SERVICES: readonly HeldAddress[] = []

/**
 * A claim this host may route: a unicast host of one of this host's LAN subnets (NetMon's address
 * lives in one of them), not this host's own address, and not a peer's own address on any LAN
 * (whose route is its detour's, never a claimant's).
 */
function routable(s: HeldAddress, cfg: EngineConfig, isPeerAddress: (address: number) => boolean): boolean {
  if (s.lan >= cfg.addresses.length || cfg.addresses.includes(s.address) || isPeerAddress(s.address)) return false
  return cfg.addresses.some((a, lan) => a !== 0 && isHostOn(s.address, a, cfg.prefixLens[lan]!))
}

/** The service addresses a packet of a peer says it holds, as this host takes them: none without a key. */
export function claimed(
  msg: Message,
  cfg: EngineConfig,
  isPeerAddress: (address: number) => boolean,
): readonly HeldAddress[] {
  if (!cfg.authenticated || !msg.services || msg.services.length === 0) return NO_SERVICES
  const ok = (s: HeldAddress) => routable(s, cfg, isPeerAddress)
  // The same array while every claim passes: the holder says them in every packet, kept without a copy each.
  return msg.services.every(ok) ? msg.services : msg.services.filter(ok)
}

/** The same addresses on the same LANs, in the same order. */
export function sameHeld(a: readonly HeldAddress[], b: readonly HeldAddress[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => x.address === b[i]!.address && x.len === b[i]!.len && x.lan === b[i]!.lan)
  )
}
