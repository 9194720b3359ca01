// What a re-plan changed, in words: the log lines and the notify events for path and route changes.
import type { LinkChange } from '../engine/effects.js'
import type { Thresholds } from '../path/link-fsm.js'
import { describePath } from '../path/path-state.js'
import { changeSet, changeSetBy } from '../routes/diff.js'
import { describeRoute, type Route, routeKey, sameRoute } from '../routes/route.js'
import { describeRoute6, type Route6, route6Key, sameRoute6 } from '../routes/route6.js'
import { formatIPv4 } from '../util/ipv4.js'
import { formatIPv6 } from '../util/ipv6.js'

/** The facts of one change, passed to the program as FAILD_* environment variables. */
export interface NotifyEvent {
  /**
   * "path" (a peer's path on a LAN changed state), "route" (faild changed a route), "peer"
   * (discovered, restarted, forgotten), "target" (a probe target's path changed state), "address"
   * (a service address moved to another interface).
   */
  readonly event: 'path' | 'route' | 'peer' | 'target' | 'address'
  readonly peer?: string
  readonly target?: string
  readonly address?: string
  readonly lan?: string
  readonly oldState?: string
  readonly newState?: string
  /** The route as faild installed it, or the one it withdrew. */
  readonly route?: string
  /** route: "add", "change" or "remove"; peer: "discovered", "restarted" or "forgotten". */
  readonly action?: string
}

export type RouteMap = ReadonlyMap<string, Route> // keyed by routeKey

export const routeMap = (routes: readonly Route[]): Map<string, Route> => new Map(routes.map((r) => [routeKey(r), r]))

export interface ChangeContext {
  /** faild's host-route table. */
  readonly table: number
  readonly thresholds: Thresholds
  readonly label: (lan: number) => string
}

export interface Changes {
  readonly info: string[]
  readonly warn: string[]
  readonly events: NotifyEvent[]
  /** Info lines of path changes that move no route: an outsider can cause them (invented peers), so they are budgeted. */
  readonly chatter?: string[]
}

function routeChange(from: Route | undefined, to: Route | undefined): string | undefined {
  if (to && (!from || !sameRoute(from, to))) return `route ${describeRoute(to)}`
  if (from && !to) return `route ${formatIPv4(from.dst)} restored to its own LAN`
  return undefined
}

/** "peer P LAN A: up -> down (missed 3/3, good 0/3): route ..." for each path change. */
export function linkChanges(
  links: readonly LinkChange[],
  before: RouteMap,
  after: RouteMap,
  ctx: ChangeContext,
): Changes {
  const info: string[] = []
  const chatter: string[] = []
  const events: NotifyEvent[] = []
  const hostKey = (dst: number) => routeKey({ table: ctx.table, dst, len: 32 })
  // A peer's routes move once per plan: said on its last change of the turn, not on each of them.
  const last = new Map<number, LinkChange>() // BOUNDED: one turn's changes
  for (const fx of links) last.set(fx.peer, fx)
  for (const fx of links) {
    const moves =
      last.get(fx.peer) === fx
        ? fx.addresses.flatMap((a) => routeChange(before.get(hostKey(a)), after.get(hostKey(a))) ?? [])
        : []
    const path = `peer ${formatIPv4(fx.peer)} LAN ${ctx.label(fx.lan)}`
    const line = `${path}: ${fx.from} -> ${fx.to} (${describePath(fx.path, ctx.thresholds)})`
    if (moves.length) info.push(`${line}: ${moves.join('; ')}`)
    else chatter.push(line)
    if (fx.from !== fx.to) {
      events.push({
        event: 'path',
        peer: formatIPv4(fx.peer),
        lan: ctx.label(fx.lan),
        oldState: fx.from,
        newState: fx.to,
      })
    }
  }
  return { info, warn: [], events, chatter }
}

/** Gateway routes that moved (with why) or were withdrawn. */
export function gatewayChanges(
  before: readonly Route[],
  after: readonly Route[],
  table: number,
  why: (r: Route) => string,
): Changes {
  const isGateway = (r: Route) => r.len !== 32 || r.table !== table
  const c = changeSet(before.filter(isGateway), after.filter(isGateway))
  return {
    info: [...c.add, ...c.change].map((r) => `gateway route ${describeRoute(r)} (${why(r)})`),
    warn: c.remove.map((r) => `gateway route ${formatIPv4(r.dst)}/${r.len} withdrawn: no gateway is up`),
    events: [],
  }
}

/** Every route added, changed or withdrawn, for the notify hook. */
export function routeEvents(before: readonly Route[], after: readonly Route[]): NotifyEvent[] {
  const c = changeSet(before, after)
  const event =
    (action: string) =>
    (r: Route): NotifyEvent => ({ event: 'route', route: describeRoute(r), action })
  return [...c.add.map(event('add')), ...c.change.map(event('change')), ...c.remove.map(event('remove'))]
}

/** A host route (a peer's address), not a gateway route. */
const isHost6 = (r: Route6): boolean => r.len === 128

/**
 * The IPv6 swaps a plan made or undid, in words, and their notify events. They move with the
 * peer's IPv4 routes (the same path change), whose line above says why; an IPv6 gateway route is
 * said as IPv4's are.
 */
export function route6Changes(before: readonly Route6[], after: readonly Route6[]): Changes {
  const c = changeSetBy(before, after, route6Key, sameRoute6)
  const event =
    (action: string) =>
    (r: Route6): NotifyEvent => ({ event: 'route', route: describeRoute6(r), action })
  return {
    info: [
      ...[...c.add, ...c.change].map((r) => `${r.len === 128 ? '' : 'gateway '}route ${describeRoute6(r)}`),
      ...c.remove.filter(isHost6).map((r) => `route ${formatIPv6(r.dst)} restored to its own LAN`),
    ],
    warn: c.remove
      .filter((r) => !isHost6(r))
      .map((r) => `gateway route ${formatIPv6(r.dst)}/${r.len} withdrawn: no gateway is up`),
    events: [...c.add.map(event('add')), ...c.change.map(event('change')), ...c.remove.map(event('remove'))],
  }
}
