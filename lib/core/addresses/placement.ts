// Where a service address belongs: the first of its LANs that works (or, without failback, the one it is on while that works).
import type { EngineView } from '../engine/view.js'
import { LinkState } from '../path/link-fsm.js'
import type { TargetView } from '../targets/targets.js'

/** A service address of the config, placed on this host's LANs (config/derive.ts). */
export interface ServiceAddress {
  /** The IPv4 address; 0 for an IPv6 one. */
  readonly address: number
  /** The IPv6 address (RFC 5952 text), when it is one. */
  readonly ipv6?: string
  readonly len: number
  /** The LANs (indices) of its interfaces, in order of preference. */
  readonly lans: readonly number[]
  /** Targets whose answers say a LAN works; empty: any target or peer there, or carrier. */
  readonly watch: readonly number[]
  readonly failback: boolean
  /** Removed when faild stops. */
  readonly owned: boolean
}

/**
 * Whether LAN `lan` can carry the address now: carrier, online, and one of the watched targets
 * answering there; without `watch`, any target or faild peer up there, or, where nothing is
 * probed on that LAN at all, carrier alone. Why it cannot, in words, or undefined when it can.
 */
export function lanTrouble(
  a: ServiceAddress,
  lan: number,
  view: EngineView,
  targets: readonly TargetView[],
): string | undefined {
  const l = view.lans[lan]
  if (!l?.carrier) return 'no carrier'
  if (l.offline) return 'taken offline'
  const here = targets.filter((t) => t.lan === lan && (a.watch.length === 0 || a.watch.includes(t.address)))
  if (here.some((t) => t.state === LinkState.Up)) return undefined
  if (a.watch.length > 0) return `no watched target answers`
  const peers = view.peers.filter((p) => (p.paths[lan]?.address ?? 0) !== 0)
  if (peers.some((p) => p.paths[lan]!.state === LinkState.Up)) return undefined
  if (here.length === 0 && peers.length === 0) return undefined // nothing to judge by: carrier
  return 'no target or peer answers'
}

/**
 * The LAN the address belongs on: `current` while it works and failback is off; otherwise the
 * first that works. When none works it stays where it is (moving it to a dead LAN helps no one).
 */
export function placement(
  a: ServiceAddress,
  works: readonly boolean[],
  current: number | undefined,
): number | undefined {
  if (current !== undefined && !a.failback && works[a.lans.indexOf(current)]) return current
  const first = a.lans.find((_, i) => works[i])
  return first ?? current
}
