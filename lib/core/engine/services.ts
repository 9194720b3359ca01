// Service addresses on the wire: what a peer's packet may teach this host about where its addresses are.
//
// A peer that holds a service address says so in every packet, with the LAN it holds it on, so
// that this host routes the address over that LAN (NetMon's case: the address moved to a NIC on
// another LAN, which no client's connected route follows). Such a claim names an address the
// packet's source need not have: only a key proves who sent it, so without one it is not taken.
import type { HeldAddress, Message } from '../wire/codec.js'
import type { EngineConfig } from './config.js'

export const NO_SERVICES: readonly HeldAddress[] = []

/** A unicast address that is not loopback, not multicast or broadcast, and not one of this host's. */
function plausible(s: HeldAddress, cfg: EngineConfig): boolean {
  const first = s.address >>> 24
  return (
    first !== 0 && first !== 127 && first < 224 && s.lan < cfg.addresses.length && !cfg.addresses.includes(s.address)
  )
}

/** The service addresses a packet of a peer says it holds, as this host takes them: none without a key. */
export function claimed(msg: Message, cfg: EngineConfig): readonly HeldAddress[] {
  if (!cfg.authenticated || !msg.services || msg.services.length === 0) return NO_SERVICES
  return msg.services.every((s) => plausible(s, cfg)) ? msg.services : msg.services.filter((s) => plausible(s, cfg))
}

/** The same addresses on the same LANs, in the same order. */
export function sameHeld(a: readonly HeldAddress[], b: readonly HeldAddress[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => x.address === b[i]!.address && x.len === b[i]!.len && x.lan === b[i]!.lan)
  )
}
