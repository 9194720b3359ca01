// EngineView: a read-only, plain-data snapshot of the engine, and what the shell derives from it.
import { LinkState, type Thresholds } from '../path/link-fsm.js'
import { PathReason } from '../path/path-state.js'
import type { PlanPeer } from '../routes/plan-input.js'
import { type IPv6, sameIPv6 } from '../util/ipv6.js'
import type { HeldAddress } from '../wire/message.js'

export interface LanView {
  /** This host's interface on the LAN has carrier. */
  readonly carrier: boolean
  /** Taken out of service by the operator (faildctl offline). */
  readonly offline: boolean
  /** Smoothed round-trip time of ACKs there (ms; undefined before a sample). */
  readonly srttMs: number | undefined
}

/** One peer's path on one LAN. Times are monotonic ms; -Infinity: never. */
export interface PathView {
  /** The peer's address on the LAN; 0: it has none. */
  readonly address: number
  /** Its global or ULA IPv6 address there (with a key only); absent: none known. */
  readonly ipv6?: IPv6
  /** The state routes follow (see path-state.ts). */
  readonly state: LinkState
  /** What this host observes of the path: the link FSM's state. */
  readonly observed: LinkState
  readonly missed: number
  readonly good: number
  readonly hearsUs: boolean
  readonly peerOutOfService: boolean
  readonly lastHeard: number
  readonly downSince: number
  readonly upSince: number
  /** The last ACK's round-trip time (ms; undefined: none yet). */
  readonly rttMs: number | undefined
  /** Every reason the path is down whatever is observed, highest precedence first. */
  readonly why: readonly PathReason[]
  /** Who the peer last said it does not hear on this LAN (its INQs' down lists), and when (-Infinity: never). */
  readonly reportedDown: readonly number[]
  readonly reportedAt: number
}

export interface PeerView {
  readonly id: number
  /** The peer's INQ interval; 0: a responder only. */
  readonly intervalMs: number
  readonly lastHeard: number
  /** By LAN index. */
  readonly paths: readonly PathView[]
  /** The service addresses it says it holds (only with a key), each at this host's LAN index. */
  readonly services: readonly HeldAddress[]
  /** How far behind it says it is (OVERLOAD), in ms: its deadlines are widened by that; absent or 0: it keeps up. */
  readonly behindMs?: number
}

export interface EngineView {
  readonly nodeId: number
  readonly requestor: boolean
  readonly intervalMs: number
  readonly thresholds: Thresholds
  /** By LAN index. */
  readonly lans: readonly LanView[]
  readonly peers: readonly PeerView[]
}

/**
 * The view as it would be with LAN `lan` taken offline here (faildctl what-if): every path on it
 * down for routing, as setOffline makes them, nothing else changed. Pure: for asking, not doing.
 */
export function offlineView(view: EngineView, lan: number): EngineView {
  return {
    ...view,
    lans: view.lans.map((l, i) => (i === lan ? { ...l, offline: true } : l)),
    peers: view.peers.map((p) => ({
      ...p,
      paths: p.paths.map((x, i) =>
        i === lan && x.address !== 0
          ? {
              ...x,
              state: LinkState.Down,
              why: [PathReason.OfflineHere, ...x.why.filter((w) => w !== PathReason.OfflineHere)],
            }
          : x,
      ),
    })),
  }
}

/** What the route planner needs of every peer. O(peers): once per plan, never per packet. */
export function planPeers(view: EngineView): PlanPeer[] {
  // A requestor probes at its own interval; a responder is probed at the requestor's.
  return view.peers.map((p) => ({
    intervalMs: view.requestor ? view.intervalMs : p.intervalMs,
    lans: p.paths,
    services: p.services,
  }))
}

/** The path to whichever peer has `address` on LAN `lan` (a gateway), if any. O(peers). */
export function pathAt(view: EngineView, lan: number, address: number): PathView | undefined {
  for (const p of view.peers) if (p.paths[lan]?.address === address) return p.paths[lan]
  return undefined
}

/** The routing state of the path to a gateway; unknown if no peer has that address there. */
export function gatewayState(view: EngineView, lan: number, address: number): LinkState {
  return pathAt(view, lan, address)?.state ?? LinkState.Unknown
}

/** The routing state of the path to an IPv6 gateway (a peer with that IPv6 address on `lan`); unknown if none. O(peers). */
export function gatewayState6(view: EngineView, lan: number, address: IPv6): LinkState {
  return pathAt6(view, lan, address)?.state ?? LinkState.Unknown
}

/** The path to whichever peer has IPv6 address `address` on LAN `lan` (a gateway), if any. O(peers). */
export function pathAt6(view: EngineView, lan: number, address: IPv6): PathView | undefined {
  for (const p of view.peers) {
    const path = p.paths[lan]
    if (path?.ipv6 && sameIPv6(path.ipv6, address)) return path
  }
  return undefined
}

/** A peer's address on every LAN, by LAN index (0: none); empty if the peer is not known. */
export function peerAddresses(view: EngineView, id: number): number[] {
  return view.peers.find((p) => p.id === id)?.paths.map((x) => x.address) ?? []
}
