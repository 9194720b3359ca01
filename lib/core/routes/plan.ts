// The pure route planner: which routes faild wants, and the ip-batch lines that get there.
import { formatIPv4 } from '../util/ipv4.js'
import { LinkState } from '../path/link-fsm.js'

/** Route `dst/len` in `table` via `via` out of `dev`, keeping source `src`. */
export interface Route {
  readonly table: number
  readonly dst: number
  /** 32 for a host route to a peer; shorter for a gateway route. */
  readonly len: number
  readonly via: number
  readonly dev: string
  readonly src: number
}

export interface PlanLan {
  readonly iface: string
  /** This host's address on the LAN. */
  readonly address: number
  /** Lower is preferred to carry a dead path's traffic. */
  readonly preference: number
}

export interface PlanPath {
  /** The peer's address on this LAN; 0 if it has none. */
  readonly address: number
  /** The effective state of the path. */
  readonly state: LinkState
  /** When the peer was last heard on it, when it last went down and last came up (monotonic ms). */
  readonly lastHeard: number
  readonly downSince: number
  readonly upSince: number
}

export interface PlanPeer {
  /** The interval at which the paths to this peer are probed, in ms. */
  readonly intervalMs: number
  /** By LAN index. */
  readonly lans: readonly PlanPath[]
}

/** What the planner needs besides the peers: where routes go, the time, and how long recovery takes. */
export interface PlanContext {
  readonly table: number
  readonly now: number
  /** Good packets a path needs to come up (-s). */
  readonly upAfter: number
}

/**
 * A LAN can carry a dead path's traffic only with fresh evidence, both ways:
 * - Heard within one probe interval of the moment the dead path went down. A host that dies goes
 *   silent on every LAN at once, but its LANs are judged a few milliseconds apart; without this
 *   rule the first LAN judged down would be routed, for that moment, via another just as dead.
 * - Up when the dead path went down, or up long enough (upAfter + 1 intervals) for the dead path
 *   to have come back if it could. A peer that was down everywhere (paused, rebooting) comes back
 *   on its LANs a few milliseconds apart; without this rule the first LAN back would carry, for
 *   that moment, the others.
 */
function carries(via: PlanPath, dead: PlanPath, intervalMs: number, ctx: PlanContext): boolean {
  if (via.state !== LinkState.Up || via.address === 0 || via.lastHeard <= dead.downSince - intervalMs) return false
  return dead.downSince > via.upSince || ctx.now - via.upSince >= (ctx.upAfter + 1) * intervalMs
}

export interface Plan {
  readonly routes: Route[]
  /**
   * Down paths held back only for lack of fresh evidence on their alternative: the next packet
   * (or the passing of time) may release them, so the caller plans again on every event while
   * this is non-zero.
   */
  readonly waiting: number
}

/** LAN indexes, most preferred first (ties in LAN order). */
export function preferenceOrder(lans: readonly PlanLan[]): number[] {
  return lans.map((_, i) => i).sort((a, b) => lans[a]!.preference - lans[b]!.preference || a - b)
}

/**
 * For every peer path that is down, route the peer's address on that LAN via its address on the
 * most preferred LAN that carries it, keeping our own address on the dead LAN as the source,
 * so connections between addresses on the dead LAN carry on. A peer down everywhere is gone, not
 * a path: nothing is routed for it. Unknown paths (never heard) take no action.
 */
export function planRoutes(lans: readonly PlanLan[], peers: Iterable<PlanPeer>, ctx: PlanContext): Plan {
  const table = ctx.table
  const routes = new Map<number, Route>() // keyed by dst; BOUNDED: peers x LANs
  const order = preferenceOrder(lans)
  let waiting = 0
  for (const peer of peers) {
    peer.lans.forEach((dead, x) => {
      const mine = lans[x]
      if (dead.state !== LinkState.Down || dead.address === 0 || !mine || routes.has(dead.address)) return
      const y = order.find((i) => i !== x && peer.lans[i] !== undefined && carries(peer.lans[i]!, dead, peer.intervalMs, ctx))
      const via = y === undefined ? undefined : lans[y]
      if (via) routes.set(dead.address, { table, dst: dead.address, len: 32, via: peer.lans[y!]!.address, dev: via.iface, src: mine.address })
      // Held back, or carried by a less preferred LAN while a better one is up but not yet trusted.
      const better = order.slice(0, y === undefined ? order.length : order.indexOf(y))
      if (better.some((i) => i !== x && peer.lans[i]?.state === LinkState.Up)) waiting++
    })
  }
  return { routes: [...routes.values()], waiting }
}

/** A gateway route to plan: its candidate gateways in order, each with the state of its path. */
export interface PlanGateway {
  readonly table: number
  readonly dst: number
  readonly len: number
  readonly via: ReadonlyArray<{ readonly lan: number; readonly address: number; readonly state: LinkState }>
}

/**
 * A prefix goes via the first of its gateways whose path is up. With none up it is withdrawn, and
 * the main table's own route (if any) applies again.
 */
export function planGateways(lans: readonly PlanLan[], gateways: readonly PlanGateway[]): Route[] {
  return gateways.flatMap((g) => {
    const gw = g.via.find((v) => v.state === LinkState.Up && lans[v.lan] !== undefined)
    if (!gw) return []
    const lan = lans[gw.lan]!
    return [{ table: g.table, dst: g.dst, len: g.len, via: gw.address, dev: lan.iface, src: lan.address }]
  })
}

/** One key per routing-table slot: table, destination and prefix length. */
export const routeKey = (r: Pick<Route, 'table' | 'dst' | 'len'>): string => `${r.table}:${r.dst}/${r.len}`

export interface RouteDiff {
  readonly replace: readonly Route[]
  readonly remove: readonly Route[]
}

export const sameRoute = (a: Route, b: Route): boolean =>
  a.table === b.table && a.dst === b.dst && a.len === b.len && a.via === b.via && a.dev === b.dev && a.src === b.src

/** What to change to get from `installed` to `desired`: withdraw only what is no longer wanted. O(n). */
export function diffRoutes(desired: readonly Route[], installed: readonly Route[]): RouteDiff {
  const want = new Map(desired.map((r) => [routeKey(r), r])) // BOUNDED: routes
  const have = new Map(installed.map((r) => [routeKey(r), r])) // BOUNDED: routes
  return {
    replace: desired.filter((r) => {
      const i = have.get(routeKey(r))
      return !i || !sameRoute(i, r)
    }),
    remove: installed.filter((i) => !want.has(routeKey(i))),
  }
}

export function isEmptyDiff(d: RouteDiff): boolean {
  return d.replace.length === 0 && d.remove.length === 0
}

/** `ip -batch` lines for a diff. `replace` is idempotent; a missing route on delete is tolerated by the applier. */
export function batchLines(diff: RouteDiff, proto: number): string[] {
  return [
    ...diff.remove.map((r) => `route del ${formatIPv4(r.dst)}/${r.len} table ${r.table} proto ${proto}`),
    ...diff.replace.map(
      (r) => `route replace ${formatIPv4(r.dst)}/${r.len} via ${formatIPv4(r.via)} dev ${r.dev} src ${formatIPv4(r.src)} table ${r.table} proto ${proto}`,
    ),
  ]
}

/** "198.18.1.2 via 198.18.2.2 dev ethb src 198.18.1.1" (host routes) or "0.0.0.0/0 via ..." for logs. */
export function describeRoute(r: Route): string {
  const dst = r.len === 32 ? formatIPv4(r.dst) : `${formatIPv4(r.dst)}/${r.len}`
  return `${dst} via ${formatIPv4(r.via)} dev ${r.dev} src ${formatIPv4(r.src)}`
}
