// Builds what `faildctl status` shows from the engine's view: LANs, peers, routes and why.
import type { EngineView, PeerView } from '../engine/view.js'
import { gatewayState, gatewayState6 } from '../engine/view.js'
import type { Lan } from '../lans.js'
import { isHandle } from '../link-handles.js'
import { LinkState } from '../path/link-fsm.js'
import { describePath } from '../path/path-state.js'
import type { Gateway, Gateway6 } from '../routes/gateway.js'
import { describeRoute, type Route } from '../routes/route.js'
import { describeRoute6, type Route6 } from '../routes/route6.js'
import { targetState, targetState6, targetText } from '../targets/target-lookup.js'
import type { TargetView } from '../targets/targets.js'
import { formatIPv4 } from '../util/ipv4.js'
import { formatIPv6, type IPv6, sameIPv6 } from '../util/ipv6.js'
import type { PeerStatus, StatusReport } from './status.js'

export interface StatusInput {
  readonly view: EngineView
  readonly targets: readonly TargetView[]
  readonly lans: readonly Lan[]
  /** faild's host-route table (gateway routes are in the next ones). */
  readonly table: number
  readonly gateways: readonly Gateway[]
  /** The IPv6 gateway routes (absent: none). */
  readonly gateways6?: readonly Gateway6[]
  /** The routes faild wants now. */
  readonly routes: readonly Route[]
  /** The IPv6 routes faild wants now (absent: none; the planner's own snapshot has none). */
  readonly routes6?: readonly Route6[]
  readonly now: number
}

const round = (v: number | undefined): number | null => (v === undefined ? null : Math.round(v * 10) / 10)

export const lanName = (lans: readonly Lan[], lan: number): string => lans[lan]?.label ?? `#${lan}`

/** Why a peer's path is routed elsewhere: the same words for its IPv4 and its IPv6 route. */
function pathWhy(s: StatusInput, peer: PeerView, lan: number): string {
  const why = describePath(peer.paths[lan]!, s.view.thresholds)
  return `peer ${formatIPv4(peer.id)} down on LAN ${lanName(s.lans, lan)} (${why})`
}

interface At {
  readonly peer: PeerView
  readonly lan: number
}

/** Every peer's path and service address by its address: the first peer's, as the view lists them. */
interface Addresses {
  readonly paths: Map<number, At>
  readonly paths6: Map<string, At>
  readonly services: Map<number, At>
}

/**
 * Built once per view: a status asks routeWhy of every route, and a scan of every peer for each
 * cost routes x peers (a million steps with 1000 peers down on a LAN, for each faildctl watch frame).
 */
const indexed = new WeakMap<EngineView, Addresses>()

function addressesOf(view: EngineView): Addresses {
  let at = indexed.get(view)
  if (at) return at
  at = { paths: new Map(), paths6: new Map(), services: new Map() }
  for (const peer of view.peers) {
    peer.paths.forEach((x, lan) => {
      if (!at.paths.has(x.address)) at.paths.set(x.address, { peer, lan })
      const v6 = x.ipv6 && formatIPv6(x.ipv6)
      if (v6 && !at.paths6.has(v6)) at.paths6.set(v6, { peer, lan })
    })
    for (const h of peer.services) if (!at.services.has(h.address)) at.services.set(h.address, { peer, lan: h.lan })
  }
  indexed.set(view, at)
  return at
}

/** Why faild installed route `r`, for logs and faildctl status. */
export function routeWhy(s: StatusInput, r: Route): string {
  const { view, lans } = s
  if (r.table === s.table && r.len === 32) {
    const at = addressesOf(view)
    const path = at.paths.get(r.dst)
    if (path) return pathWhy(s, path.peer, path.lan)
    const held = at.services.get(r.dst)
    if (!held) return 'peer path down'
    const where = `service address of peer ${formatIPv4(held.peer.id)}, held on LAN ${lanName(lans, held.lan)}`
    return r.via === 0 ? where : `${where}, down there`
  }
  const g = s.gateways.find((x) => x.dst === r.dst && x.len === r.len)
  const skipped =
    g?.via.slice(
      0,
      g.via.findIndex((v) => v.address === r.via),
    ) ?? []
  const state = (v: { lan: number; address: number }) =>
    view.lans[v.lan]?.offline
      ? OFFLINE
      : (targetState(s.targets, v.lan, v.address) ?? gatewayState(view, v.lan, v.address))
  const down = skipped.map((v) => `${formatIPv4(v.address)} on LAN ${lanName(lans, v.lan)} ${state(v)}`)
  // A preferred gateway up and passed over: the route stays where it moved (failback: false).
  const stays = skipped.some((v) => state(v) === LinkState.Up) ? 'no failback, ' : ''
  return down.length ? `${stays}preferred gateway ${down.join(', ')}` : 'preferred gateway up'
}

/** Why faild installed IPv6 route `r`: the peer path whose IPv6 address it moves, or its gateways' states. */
export function routeWhy6(s: StatusInput, r: Route6): string {
  if (r.table !== s.table || r.len !== 128) return gatewayWhy6(s, r)
  const path = addressesOf(s.view).paths6.get(formatIPv6(r.dst))
  return path ? pathWhy(s, path.peer, path.lan) : 'peer path down'
}

/** routeWhy's words for an IPv6 gateway route: the preferred gateways passed over, and their states. */
function gatewayWhy6(s: StatusInput, r: Route6): string {
  const g = s.gateways6?.find((x) => x.len === r.len && sameIPv6(x.dst, r.dst))
  const taken = g?.via.findIndex((v) => r.via !== undefined && sameIPv6(v.address, r.via)) ?? -1
  const skipped = g?.via.slice(0, Math.max(0, taken)) ?? []
  const state = (v: { lan: number; address: IPv6 }) =>
    s.view.lans[v.lan]?.offline
      ? OFFLINE
      : (targetState6(s.targets, v.lan, v.address) ?? gatewayState6(s.view, v.lan, v.address))
  const down = skipped.map((v) => `${formatIPv6(v.address)} on LAN ${lanName(s.lans, v.lan)} ${state(v)}`)
  const stays = skipped.some((v) => state(v) === LinkState.Up) ? 'no failback, ' : ''
  return down.length ? `${stays}preferred gateway ${down.join(', ')}` : 'preferred gateway up'
}

/** A gateway on a LAN taken offline carries no route, whatever its state. */
const OFFLINE = 'offline'

type Report = Pick<StatusReport, 'lans' | 'peers' | 'targets' | 'routes' | 'routes6'>

/** An IPv4 address; '-' on an IPv6-only LAN, where the engine's address is a handle (core/link-handles.ts). */
const v4Text = (a: number): string => (a === 0 || isHandle(a) ? '-' : formatIPv4(a))

/** The LANs, peers and routes of the report (the daemon adds who it is and its counters). */
export function statusReport(s: StatusInput): Report {
  const { view, now } = s
  const lans = s.lans.map((l) => {
    const st = view.lans[l.index] ?? { carrier: true, offline: false, srttMs: undefined }
    const state = st.offline ? 'offline' : !st.carrier ? 'no carrier' : 'up'
    const { carrier, offline } = st
    const address = v4Text(l.address)
    const ipv6 = l.ipv6 ? formatIPv6(l.ipv6.address) : null
    return { label: l.label, iface: l.iface, address, ipv6, carrier, offline, state, srttMs: round(st.srttMs) }
  })
  const peers: PeerStatus[] = view.peers.map((p) => ({
    id: formatIPv4(p.id),
    role: p.intervalMs > 0 ? 'requestor' : 'responder',
    paths: p.paths.flatMap((x, i) =>
      x.address === 0
        ? []
        : [
            {
              lan: lanName(s.lans, i),
              address: v4Text(x.address),
              ipv6: x.ipv6 ? formatIPv6(x.ipv6) : null,
              state: x.state,
              observed: x.observed,
              missed: x.missed,
              good: x.good,
              hearsUs: x.hearsUs,
              peerOutOfService: x.peerOutOfService,
              lastHeardS: Number.isFinite(x.lastHeard) ? Math.round((now - x.lastHeard) / 100) / 10 : null,
              rttMs: round(x.rttMs),
            },
          ],
    ),
    services: p.services.map((a) => ({ address: `${formatIPv4(a.address)}/${a.len}`, lan: lanName(s.lans, a.lan) })),
    ...(p.behindMs ? { behindMs: p.behindMs } : {}),
  }))
  const targets = s.targets.map((x) => ({
    address: targetText(x),
    lan: lanName(s.lans, x.lan),
    method: x.method,
    state: x.state,
    missed: x.missed,
    good: x.good,
    lastAnswerS: Number.isFinite(x.lastAnswer) ? Math.round((now - x.lastAnswer) / 100) / 10 : null,
    rttMs: round(x.rttMs),
  }))
  const routes = s.routes.map((r) => ({ route: describeRoute(r), table: r.table, why: routeWhy(s, r) }))
  const routes6 = (s.routes6 ?? []).map((r) => ({ route: describeRoute6(r), table: r.table, why: routeWhy6(s, r) }))
  return { lans, peers, targets, routes, routes6 }
}
