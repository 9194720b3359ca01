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

/** Which of an address's LANs have worked for it since faild started, and which have failed. */
export interface LanHistory {
  readonly worked: Set<number>
  readonly failed: Set<number>
}

export const newHistory = (): LanHistory => ({ worked: new Set(), failed: new Set() })

/**
 * Add this judgement (lanTrouble of each of the address's LANs, by place) to `h`: a LAN fails when
 * it stops working, loses carrier or goes offline; one whose targets have not answered yet has not.
 */
export function remember(
  h: LanHistory,
  a: ServiceAddress,
  trouble: ReadonlyArray<string | undefined>,
  view: EngineView,
): void {
  a.lans.forEach((l, i) => {
    const lan = view.lans[l]
    if (trouble[i] === undefined) h.worked.add(l)
    else if (h.worked.has(l) || !lan?.carrier || lan.offline) h.failed.add(l)
  })
}

/**
 * The LAN the address belongs on: the first that works; without failback, `current` while it
 * works, unless a working LAN preferred to it has never `failed` (it was still being judged when
 * the address left it: the start's placement finished, not a failback). When none works it stays
 * where it is (moving it to a dead LAN helps no one). `works` and `failed` are by place in `a.lans`.
 */
export function placement(
  a: ServiceAddress,
  works: readonly boolean[],
  current: number | undefined,
  failed: readonly boolean[],
): number | undefined {
  if (current !== undefined && !a.failback && works[a.lans.indexOf(current)])
    return a.lans.find((l, i) => works[i] && (l === current || !failed[i]))
  const first = a.lans.find((_, i) => works[i])
  return first ?? current
}
