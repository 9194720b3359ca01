// The targets looked up by address on a LAN, and a target's address as text: what the planners and the status read of them.
import type { LinkState } from '../path/link-fsm.js'
import { formatIPv4 } from '../util/ipv4.js'
import { formatIPv6, type IPv6, sameIPv6 } from '../util/ipv6.js'
import type { TargetSpec, TargetView } from './targets.js'

/** The state of the target at `address` on `lan`, if it is one. */
export function targetState(targets: readonly TargetView[], lan: number, address: number): LinkState | undefined {
  return targetAt(targets, lan, address)?.state
}

/** The IPv4 target at `address` on `lan`, if it is one. */
export function targetAt(targets: readonly TargetView[], lan: number, address: number): TargetView | undefined {
  return targets.find((t) => t.lan === lan && !t.ipv6 && t.address === address)
}

/** The state of the IPv6 target at `address` on `lan`, if it is one. */
export function targetState6(targets: readonly TargetView[], lan: number, address: IPv6): LinkState | undefined {
  return targetAt6(targets, lan, address)?.state
}

/** The IPv6 target at `address` on `lan`, if it is one. */
export function targetAt6(targets: readonly TargetView[], lan: number, address: IPv6): TargetView | undefined {
  return targets.find((t) => t.lan === lan && t.ipv6 !== undefined && sameIPv6(t.ipv6, address))
}

/** A target's address as text, of whichever family. */
export const targetText = (t: Pick<TargetSpec, 'address' | 'ipv6'>): string =>
  t.ipv6 ? formatIPv6(t.ipv6) : formatIPv4(t.address)
