// The routes wanted now, from one snapshot of the engine: host routes for down paths and gateway routes, both families.
import type { Options } from '../config/types.js'
import { type EngineView, type PathView, pathAt, pathAt6, planPeers } from '../core/engine/view.js'
import type { Lan } from '../core/lans.js'
import { LinkState } from '../core/path/link-fsm.js'
import { routeWhy, type StatusInput } from '../core/report/status-report.js'
import type { Gateway, Gateway6 } from '../core/routes/gateway.js'
import { planRoutes, planRoutes6 } from '../core/routes/plan.js'
import { planGateways, planGateways6 } from '../core/routes/plan-gateways.js'
import type { Route } from '../core/routes/route.js'
import type { Route6 } from '../core/routes/route6.js'
import { targetAt, targetAt6 } from '../core/targets/target-lookup.js'
import type { TargetView } from '../core/targets/targets.js'
import { formatIPv4 } from '../core/util/ipv4.js'
import { formatIPv6, sameIPv6 } from '../core/util/ipv6.js'
import type { Wanted } from './route-sync.js'

export interface WantedInput {
  readonly view: EngineView
  /** The probe targets: gateways may be targets rather than faild peers. */
  readonly targets: readonly TargetView[]
  readonly lans: readonly Lan[]
  readonly gateways: readonly Gateway[]
  /** The table of the gateway routes of prefix length `len` (undefined: none yet, a reload's new length). */
  readonly gatewayTable: (len: number) => number | undefined
  /** The IPv6 gateway routes (absent: none), and the table of those of prefix length `len` (undefined: none yet). */
  readonly gateways6?: readonly Gateway6[]
  readonly gatewayTable6?: (len: number) => number | undefined
  readonly options: Options
  readonly now: number
  /** The routes wanted until now (for the status and the log's "why"). */
  readonly routes: readonly Route[]
  /** The IPv6 routes wanted until now (where each IPv6 gateway route goes now, for failback: false). */
  readonly routes6?: readonly Route6[]
  /** This host's own service addresses (peers' claims to them are not routed). */
  readonly ownServices?: ReadonlySet<number>
  /**
   * The gateways ("LAN address") that have failed since faild started, added to by this plan and
   * kept to the config's (absent: none yet). A peer gateway silent long enough is forgotten by the
   * engine, and found again with no past: this keeps failback: false from taking it back.
   */
  readonly failedGateways?: Set<string>
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
  const history = w.failedGateways ?? new Set<string>()
  const judge = judging(w, history)
  const peers = planPeers(w.view)
  const plan = planRoutes(w.lans, peers, ctx)
  const gateways = w.gateways.flatMap((g) => {
    const table = w.gatewayTable(g.len)
    if (table === undefined) return [] // its table is being made (a reload): the next plan has it
    const via = g.via.map((v) => ({
      ...v,
      ...judge(v.lan, formatIPv4(v.address), targetAt(w.targets, v.lan, v.address) ?? pathAt(w.view, v.lan, v.address)),
    }))
    const current = w.routes.find((r) => r.table === table && r.dst === g.dst && r.len === g.len)?.via
    return [{ table, dst: g.dst, len: g.len, failback: g.failback, current, via }]
  })
  const routes = [...plan.routes, ...planGateways(w.lans, gateways)]
  const snapshot: StatusInput = {
    view: w.view,
    targets: w.targets,
    lans: w.lans,
    table: o.table,
    gateways: w.gateways,
    gateways6: w.gateways6 ?? [],
    routes: w.routes,
    now: w.now,
  }
  const plan6 = planRoutes6(w.lans, peers, ctx)
  const routes6 = [...plan6.routes, ...planGateways6(w.lans, gateways6(w, judge))]
  forgetRemoved(history, w)
  return { routes, routes6, waiting: plan.waiting + plan6.waiting, why: (r) => routeWhy(snapshot, r) }
}

/** The IPv6 gateway routes with their tables, where each goes now, and the state of each gateway (a target or a faild peer). */
function gateways6(w: WantedInput, judge: Judge) {
  const table = w.gatewayTable6
  if (!table) return []
  return (w.gateways6 ?? []).flatMap((g) => {
    const t = table(g.len)
    if (t === undefined) return [] // a reload's new length, its table not made yet: the next plan has it
    const now = w.routes6?.find((r) => r.table === t && r.len === g.len && sameIPv6(r.dst, g.dst))
    const via = g.via.map((v) => ({
      ...v,
      ...judge(
        v.lan,
        formatIPv6(v.address),
        targetAt6(w.targets, v.lan, v.address) ?? pathAt6(w.view, v.lan, v.address),
      ),
    }))
    return [{ table: t, dst: g.dst, len: g.len, failback: g.failback, current: now?.via, via }]
  })
}

type Judge = (
  lan: number,
  address: string,
  at: TargetView | PathView | undefined,
) => { state: LinkState; failed: boolean }

/**
 * A gateway's state (a target's, or a faild peer's path; unknown: neither; down on a LAN taken
 * offline) and whether it has failed since faild started, remembered in `history`.
 */
function judging(w: WantedInput, history: Set<string>): Judge {
  return (lan, address, at) => {
    const state = w.view.lans[lan]?.offline ? LinkState.Down : (at?.state ?? LinkState.Unknown)
    const key = `${lan} ${address}`
    if (state === LinkState.Down || (at?.downSince ?? -Infinity) > -Infinity) history.add(key)
    return { state, failed: history.has(key) }
  }
}

/** Keep `history` to the gateways of the config: a reload may remove some. */
function forgetRemoved(history: Set<string>, w: WantedInput): void {
  if (history.size === 0) return
  const keys = new Set([
    ...w.gateways.flatMap((g) => g.via.map((v) => `${v.lan} ${formatIPv4(v.address)}`)),
    ...(w.gateways6 ?? []).flatMap((g) => g.via.map((v) => `${v.lan} ${formatIPv6(v.address)}`)),
  ])
  for (const k of history) if (!keys.has(k)) history.delete(k)
}
