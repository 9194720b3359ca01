// The pure route planner: which host routes faild wants, and the ip-batch lines that get there.
import { formatIPv4 } from './ipv4.js'
import { LinkState } from './link-health.js'

/** Route peer address `dst` via the peer's address `via` out of `dev`, keeping source `src`. */
export interface HostRoute {
  readonly dst: number
  readonly via: number
  readonly dev: string
  readonly src: number
}

export interface PlanLan {
  readonly iface: string
  /** This host's address on the LAN. */
  readonly address: number
}

export interface PlanPath {
  /** The peer's address on this LAN; 0 if it has none. */
  readonly address: number
  /** The effective state of the path. */
  readonly state: LinkState
  /** When the peer was last heard on it, and when it last went down (monotonic ms). */
  readonly lastHeard: number
  readonly downSince: number
}

export interface PlanPeer {
  /** The interval at which the paths to this peer are probed, in ms. */
  readonly intervalMs: number
  /** By LAN index. */
  readonly lans: readonly PlanPath[]
}

/**
 * A LAN can carry a dead path's traffic only with fresh evidence: heard within one probe interval
 * of the moment the dead path went down. A host that dies goes silent on every LAN at once, but
 * its LANs are judged a few milliseconds apart; without this rule the first LAN judged down would
 * be routed, for that moment, via another that is just as dead.
 */
function carries(via: PlanPath, dead: PlanPath, intervalMs: number): boolean {
  return via.state === LinkState.Up && via.address !== 0 && via.lastHeard > dead.downSince - intervalMs
}

export interface Plan {
  readonly routes: HostRoute[]
  /**
   * Down paths held back only because their alternative has not been heard since: the next good
   * packet may release them, so the caller plans again on every event while this is non-zero.
   */
  readonly waiting: number
}

/**
 * For every peer path that is down, route the peer's address on that LAN via its address on the
 * first LAN (in LAN order) that carries it, keeping our own address on the dead LAN as the source,
 * so connections between addresses on the dead LAN carry on. A peer down everywhere is gone, not
 * a path: nothing is routed for it. Unknown paths (never heard) take no action.
 */
export function planRoutes(lans: readonly PlanLan[], peers: Iterable<PlanPeer>): Plan {
  const routes = new Map<number, HostRoute>() // keyed by dst; BOUNDED: peers x LANs
  let waiting = 0
  for (const peer of peers) {
    peer.lans.forEach((dead, x) => {
      const mine = lans[x]
      if (dead.state !== LinkState.Down || dead.address === 0 || !mine || routes.has(dead.address)) return
      const y = peer.lans.findIndex((via, i) => i !== x && lans[i] !== undefined && carries(via, dead, peer.intervalMs))
      const via = lans[y]
      if (via) routes.set(dead.address, { dst: dead.address, via: peer.lans[y]!.address, dev: via.iface, src: mine.address })
      else if (peer.lans.some((p, i) => i !== x && p.state === LinkState.Up)) waiting++
    })
  }
  return { routes: [...routes.values()], waiting }
}

export interface RouteDiff {
  readonly replace: readonly HostRoute[]
  readonly remove: readonly HostRoute[]
}

export const sameRoute = (a: HostRoute, b: HostRoute): boolean =>
  a.dst === b.dst && a.via === b.via && a.dev === b.dev && a.src === b.src

/** What to change to get from `installed` to `desired`: withdraw only what is no longer wanted. O(n). */
export function diffRoutes(desired: readonly HostRoute[], installed: readonly HostRoute[]): RouteDiff {
  const want = new Map(desired.map((r) => [r.dst, r])) // keyed by dst; BOUNDED: routes
  const have = new Map(installed.map((r) => [r.dst, r])) // keyed by dst; BOUNDED: routes
  return {
    replace: desired.filter((r) => {
      const i = have.get(r.dst)
      return !i || !sameRoute(i, r)
    }),
    remove: installed.filter((i) => !want.has(i.dst)),
  }
}

export function isEmptyDiff(d: RouteDiff): boolean {
  return d.replace.length === 0 && d.remove.length === 0
}

export interface RouteOwner {
  readonly table: number
  readonly proto: number
}

/** `ip -batch` lines for a diff. `replace` is idempotent; a missing route on delete is tolerated by the applier. */
export function batchLines(diff: RouteDiff, owner: RouteOwner): string[] {
  const tail = `table ${owner.table} proto ${owner.proto}`
  return [
    ...diff.remove.map((r) => `route del ${formatIPv4(r.dst)}/32 ${tail}`),
    ...diff.replace.map(
      (r) => `route replace ${formatIPv4(r.dst)}/32 via ${formatIPv4(r.via)} dev ${r.dev} src ${formatIPv4(r.src)} ${tail}`,
    ),
  ]
}

/** "198.18.1.2 via 198.18.2.2 dev ethb src 198.18.1.1" for logs. */
export function describeRoute(r: HostRoute): string {
  return `${formatIPv4(r.dst)} via ${formatIPv4(r.via)} dev ${r.dev} src ${formatIPv4(r.src)}`
}
