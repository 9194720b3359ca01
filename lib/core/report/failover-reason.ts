// Why a route moved, as a fixed set of words for metrics: which route changes were failovers, and why.
import type { LinkChange } from '../engine/effects.js'
import { LinkState } from '../path/link-fsm.js'
import { PathReason } from '../path/path-state.js'
import { changeSet } from '../routes/diff.js'
import type { Route } from '../routes/route.js'

/** Every reason a failover is counted under: a fixed set, so a metric's label values are bounded. */
export const FAILOVER_REASONS = [
  'missed',
  'carrier-lost',
  PathReason.OfflineHere,
  PathReason.Held,
  PathReason.PeerOutOfService,
  PathReason.NotHeardByPeer,
  'other',
] as const

export type FailoverReason = (typeof FAILOVER_REASONS)[number]

/** Route actions, as the notify hook names them. */
export const ROUTE_ACTIONS = ['add', 'change', 'remove'] as const
export type RouteAction = (typeof ROUTE_ACTIONS)[number]

/**
 * Why a path went down: what holds it down whatever is observed (the precedence of path-state.ts),
 * else this host's own observation (a pulled cable here, or packets missed).
 */
export function downReason(link: LinkChange, carrierLost: (lan: number) => boolean): FailoverReason {
  const held = link.path.why[0]
  if (held !== undefined) return held
  if (link.path.observed !== LinkState.Down) return 'other'
  return carrierLost(link.lan) ? 'carrier-lost' : 'missed'
}

/** What one plan changed: route actions counted, failovers (a host route moved off its LAN) by reason, failbacks. */
export interface RouteMoves {
  readonly actions: Readonly<Record<RouteAction, number>>
  readonly failovers: ReadonlyArray<FailoverReason>
  readonly failbacks: number
}

/**
 * Sort one plan's route changes. A host route (`len` 32 in the host table) added or changed is a
 * failover, explained by the path change to that address in the same plan ('other' when the route
 * moved later, once another LAN had fresh evidence); one removed is a failback. O(changes + links).
 */
export function routeMoves(
  links: readonly LinkChange[],
  before: readonly Route[],
  after: readonly Route[],
  hostTable: number,
  carrierLost: (lan: number) => boolean,
): RouteMoves {
  const c = changeSet(before, after)
  const isHost = (r: Route) => r.len === 32 && r.table === hostTable
  // BOUNDED: one plan's path changes.
  const downs = new Map<number, LinkChange>()
  for (const l of links) if (l.to === LinkState.Down) downs.set(l.addresses[l.lan] ?? 0, l)
  const failovers = [...c.add, ...c.change].filter(isHost).map((r) => {
    const link = downs.get(r.dst)
    return link ? downReason(link, carrierLost) : 'other'
  })
  return {
    actions: { add: c.add.length, change: c.change.length, remove: c.remove.length },
    failovers,
    failbacks: c.remove.filter(isHost).length,
  }
}
