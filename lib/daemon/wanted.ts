// The routes wanted now, from one snapshot of the engine: host routes for down paths (both families), gateway routes.
import type { Options } from '../config/types.js'
import { type EngineView, gatewayState, planPeers } from '../core/engine/view.js'
import type { Lan } from '../core/lans.js'
import { routeWhy, type StatusInput } from '../core/report/status-report.js'
import type { Gateway } from '../core/routes/gateway.js'
import { planGateways, planRoutes, planRoutes6 } from '../core/routes/plan.js'
import type { Route } from '../core/routes/route.js'
import { type TargetView, targetState } from '../core/targets/targets.js'
import type { Wanted } from './route-sync.js'

export interface WantedInput {
  readonly view: EngineView
  /** The probe targets: gateways may be targets rather than faild peers. */
  readonly targets: readonly TargetView[]
  readonly lans: readonly Lan[]
  readonly gateways: readonly Gateway[]
  /** The table of the gateway routes of prefix length `len`. */
  readonly gatewayTable: (len: number) => number
  readonly options: Options
  readonly now: number
  /** The routes wanted until now (for the status and the log's "why"). */
  readonly routes: readonly Route[]
  /** This host's own service addresses (peers' claims to them are not routed). */
  readonly ownServices?: ReadonlySet<number>
}

/** Each gateway route via its first gateway whose path is up; each down path via a LAN that carries it. */
export function wanted(w: WantedInput): Wanted {
  const o = w.options
  // A peer's service claim never captures this host's own service addresses, its targets or its gateways.
  const notServices = new Set([
    ...(w.ownServices ?? []),
    ...w.targets.map((t) => t.address),
    ...w.gateways.flatMap((g) => g.via.map((v) => v.address)),
  ])
  const ctx = { table: o.table, now: w.now, upAfter: o.upAfter, notServices }
  const peers = planPeers(w.view)
  const plan = planRoutes(w.lans, peers, ctx)
  const gateways = w.gateways.map((g) => ({
    table: w.gatewayTable(g.len),
    dst: g.dst,
    len: g.len,
    failback: g.failback,
    current: w.routes.find((r) => r.table === w.gatewayTable(g.len) && r.dst === g.dst && r.len === g.len)?.via,
    via: g.via.map((v) => ({
      ...v,
      state: targetState(w.targets, v.lan, v.address) ?? gatewayState(w.view, v.lan, v.address),
    })),
  }))
  const routes = [...plan.routes, ...planGateways(w.lans, gateways)]
  const snapshot: StatusInput = {
    view: w.view,
    targets: w.targets,
    lans: w.lans,
    table: o.table,
    gateways: w.gateways,
    routes: w.routes,
    now: w.now,
  }
  const routes6 = planRoutes6(w.lans, peers, ctx)
  return { routes, routes6, waiting: plan.waiting, why: (r) => routeWhy(snapshot, r) }
}
