// Builds what `faildctl status` shows from the engine's state: LANs, peers, routes and why.
import type { Engine } from '../engine/engine.js'
import type { Lan } from '../lans.js'
import { formatIPv4 } from '../util/ipv4.js'
import { describeLink, type Thresholds } from '../path/link-fsm.js'
import { describeRoute, type Route } from '../routes/route.js'
import type { Gateway } from '../routes/gateway.js'
import type { PeerStatus, StatusReport } from './status-format.js'

export interface StatusInput {
  readonly engine: Engine
  readonly lans: readonly Lan[]
  readonly thresholds: Thresholds
  /** faild's host-route table (gateway routes are in the next ones). */
  readonly table: number
  readonly gateways: readonly Gateway[]
  /** The routes faild wants now. */
  readonly routes: readonly Route[]
  readonly now: number
}

const round = (v: number | undefined): number | null => (v === undefined ? null : Math.round(v * 10) / 10)

export const lanName = (lans: readonly Lan[], lan: number): string => lans[lan]?.label ?? `#${lan}`

/** Why faild installed route `r`, for logs and faildctl status. */
export function routeWhy(s: StatusInput, r: Route): string {
  const { engine, lans } = s
  if (r.table === s.table && r.len === 32) {
    const peer = [...engine.peers].find((p) => p.lans.some((pl) => pl.address === r.dst))
    const lan = peer?.lans.findIndex((pl) => pl.address === r.dst) ?? -1
    const pl = peer?.lans[lan]
    if (!peer || !pl) return 'peer path down'
    const offline = engine.lanStatus(lan).offline ? ', LAN taken offline here' : ''
    const held = pl.held ? ', held down: flapping' : ''
    const why = !pl.hearsUs ? ', peer does not hear us' : pl.carrierLost ? ', peer says its LAN is out of service' : ''
    return `peer ${formatIPv4(peer.id)} down on LAN ${lanName(lans, lan)} (${describeLink(pl.link, s.thresholds)}${why}${held}${offline})`
  }
  const g = s.gateways.find((x) => x.dst === r.dst && x.len === r.len)
  const skipped = g?.via.slice(0, g.via.findIndex((v) => v.address === r.via)) ?? []
  const down = skipped.map((v) => `${formatIPv4(v.address)} on LAN ${lanName(lans, v.lan)} ${engine.pathState(v.lan, v.address)}`)
  return down.length ? `preferred gateway ${down.join(', ')}` : 'preferred gateway up'
}

type Report = Pick<StatusReport, 'lans' | 'peers' | 'routes'>

/** The LANs, peers and routes of the report (the daemon adds who it is and its counters). */
export function statusReport(s: StatusInput): Report {
  const { engine, now } = s
  const lans = s.lans.map((l) => {
    const st = engine.lanStatus(l.index)
    const state = st.offline ? 'offline' : st.noCarrier ? 'no carrier' : 'up'
    return { label: l.label, iface: l.iface, address: formatIPv4(l.address), carrier: !st.noCarrier, offline: st.offline, state, srttMs: round(st.srttMs) }
  })
  const peers: PeerStatus[] = [...engine.peers].map((p) => ({
    id: formatIPv4(p.id),
    role: p.intervalMs > 0 ? 'requestor' : 'responder',
    paths: p.lans.flatMap((pl, i) =>
      pl.address === 0
        ? []
        : [
            {
              lan: lanName(s.lans, i),
              address: formatIPv4(pl.address),
              state: engine.state(pl, i),
              observed: pl.link.state,
              missed: pl.link.missed,
              good: pl.link.good,
              hearsUs: pl.hearsUs,
              peerOutOfService: pl.carrierLost,
              lastHeardS: Number.isFinite(pl.lastHeard) ? Math.round((now - pl.lastHeard) / 100) / 10 : null,
              rttMs: round(pl.rttMs),
            },
          ],
    ),
  }))
  const routes = s.routes.map((r) => ({ route: describeRoute(r), table: r.table, why: routeWhy(s, r) }))
  return { lans, peers, routes }
}
