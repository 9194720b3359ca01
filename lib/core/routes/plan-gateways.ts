// The pure planner of gateway routes: each prefix via the first of its gateways whose path is up, in either family.
import { LinkState } from '../path/link-fsm.js'
import { type IPv6, sameIPv6 } from '../util/ipv6.js'
import type { PlanLan } from './plan-input.js'
import type { Route } from './route.js'
import type { Route6 } from './route6.js'

/** A gateway route to plan: its candidate gateways in order, each with the state of its path. */
export interface PlanGateway {
  readonly table: number
  readonly dst: number
  readonly len: number
  readonly via: ReadonlyArray<{
    readonly lan: number
    readonly address: number
    readonly state: LinkState
    /** It has gone down since faild started (absent: never). */
    readonly failed?: boolean
  }>
  /** false: stay on `current` while it is up, even when a preferred gateway that failed is back. */
  readonly failback: boolean
  /** The gateway the prefix goes via now, if any. */
  readonly current?: number | undefined
}

/**
 * A prefix goes via the first of its gateways whose path is up (or, without failback, via the one
 * it goes via now while that is up, unless a gateway preferred to it has never failed). With none
 * up it is withdrawn, and the main table's own route (if any) applies again.
 */
export function planGateways(lans: readonly PlanLan[], gateways: readonly PlanGateway[]): Route[] {
  return gateways.flatMap((g) => {
    const usable = (v: PlanGateway['via'][number]) => v.state === LinkState.Up && lans[v.lan] !== undefined
    const gw = chosen(g.via, g.failback, (v) => v.address === g.current, usable)
    if (!gw) return []
    const lan = lans[gw.lan]!
    return [{ table: g.table, dst: g.dst, len: g.len, via: gw.address, dev: lan.iface, src: lan.address }]
  })
}

/**
 * The gateway of either family a route goes via: the first usable; without failback, the current
 * one while it is usable, unless a usable gateway preferred to it has never failed. That one was
 * still being judged when the route took a later one (at start, router B may answer first), and
 * taking it is the first placement finished, not a failback.
 */
function chosen<V extends { readonly failed?: boolean }>(
  via: readonly V[],
  failback: boolean,
  isCurrent: (v: V) => boolean,
  usable: (v: V) => boolean,
): V | undefined {
  if (failback || !via.some((v) => isCurrent(v) && usable(v))) return via.find(usable)
  return via.find((v) => usable(v) && (isCurrent(v) || v.failed !== true))
}

/** An IPv6 gateway route to plan: as PlanGateway, in 16-byte addresses. */
export interface PlanGateway6 {
  readonly table: number
  readonly dst: IPv6
  readonly len: number
  readonly via: ReadonlyArray<{
    readonly lan: number
    readonly address: IPv6
    readonly state: LinkState
    readonly failed?: boolean
  }>
  readonly failback: boolean
  readonly current?: IPv6 | undefined
}

/**
 * planGateways for IPv6 prefixes: the same choice (first gateway up; without failback, the
 * current one while it is up, unless a preferred one never failed), out of the gateway's LAN with
 * this host's IPv6 address there as the source. A LAN that has lost its IPv6 address carries no IPv6 gateway route.
 */
export function planGateways6(lans: readonly PlanLan[], gateways: readonly PlanGateway6[]): Route6[] {
  return gateways.flatMap((g) => {
    const usable = (v: PlanGateway6['via'][number]) => v.state === LinkState.Up && lans[v.lan]?.ipv6 !== undefined
    const current = g.current
    const gw = chosen(g.via, g.failback, (v) => current !== undefined && sameIPv6(v.address, current), usable)
    if (!gw) return []
    const lan = lans[gw.lan]!
    return [{ table: g.table, dst: g.dst, len: g.len, via: gw.address, dev: lan.iface, src: lan.ipv6!.address }]
  })
}
