// The one place that decides a path's routing state, and says why, from what is known of it.
import { LinkState, type Thresholds } from './link-fsm.js'

/** Everything that bears on whether a path carries traffic. */
export interface PathFacts {
  /** What this host observes of the path: the link FSM's state. */
  readonly observed: LinkState
  /** False while the peer's latest packet on the LAN says it does not hear us there. */
  readonly hearsUs: boolean
  /** The peer says its own interface on the LAN is out of service (no carrier, or offline). */
  readonly peerOutOfService: boolean
  /** This host has taken the LAN out of service (faildctl offline). */
  readonly offlineHere: boolean
  /** Flap damping holds the path down. */
  readonly held: boolean
}

/** Why a path is down whatever this host observes of it. */
export enum PathReason {
  OfflineHere = 'offline-here',
  Held = 'held',
  PeerOutOfService = 'peer-out-of-service',
  NotHeardByPeer = 'not-heard-by-peer',
}

/** For logs and faildctl status. */
export const PATH_REASON_TEXT: Readonly<Record<PathReason, string>> = {
  [PathReason.OfflineHere]: 'LAN taken offline here',
  [PathReason.Held]: 'held down: flapping',
  [PathReason.PeerOutOfService]: 'peer says its LAN is out of service',
  [PathReason.NotHeardByPeer]: 'peer does not hear us',
}

/**
 * Highest precedence first: this host's own decisions (the operator, then damping), then what the
 * peer says. Any row that holds makes the path down; a one-way failure reroutes both directions.
 */
const PRECEDENCE: ReadonlyArray<readonly [PathReason, (f: PathFacts) => boolean]> = [
  [PathReason.OfflineHere, (f) => f.offlineHere],
  [PathReason.Held, (f) => f.held],
  [PathReason.PeerOutOfService, (f) => f.peerOutOfService],
  [PathReason.NotHeardByPeer, (f) => !f.hearsUs],
]

/** The rows that come from the packets alone: a down they cause counts as a flap. */
const FROM_PACKETS: ReadonlySet<PathReason> = new Set([PathReason.PeerOutOfService, PathReason.NotHeardByPeer])

export interface PathVerdict {
  /** The state routes follow. */
  readonly state: LinkState
  /** Every reason that holds the path down, highest precedence first; empty: the observed state rules. */
  readonly why: readonly PathReason[]
}

const NONE: readonly PathReason[] = Object.freeze([])

/** The verdict of a path nothing holds down, by observed state: decided per packet, so made once. */
const CLEAR: Readonly<Record<LinkState, PathVerdict>> = {
  [LinkState.Unknown]: { state: LinkState.Unknown, why: NONE },
  [LinkState.Up]: { state: LinkState.Up, why: NONE },
  [LinkState.Down]: { state: LinkState.Down, why: NONE },
}

/** The verdict of a path nothing holds down: its observed state rules. */
export const clearVerdict = (observed: LinkState): PathVerdict => CLEAR[observed]

/** Decide a path's routing state. */
export function pathState(f: PathFacts): PathVerdict {
  let why = NONE
  for (const [reason, holds] of PRECEDENCE) if (holds(f)) why = why === NONE ? [reason] : [...why, reason]
  return why === NONE ? CLEAR[f.observed] : { state: LinkState.Down, why }
}

/** The state as the packets tell it, before this host's offline and damping: what flap damping counts. */
export function packetState(v: PathVerdict, observed: LinkState): LinkState {
  return v.why.some((r) => FROM_PACKETS.has(r)) ? LinkState.Down : observed
}

/** What describePath needs of a path: its state, what this host sees, the counters, the reasons. */
export interface Described {
  readonly state: LinkState
  readonly observed: LinkState
  readonly missed: number
  readonly good: number
  readonly why: readonly PathReason[]
}

/** "seen up, missed 0/3, good 3/3, LAN taken offline here": one text for logs and faildctl status. */
export function describePath(p: Described, th: Thresholds): string {
  const seen = p.observed === p.state ? '' : `seen ${p.observed}, `
  const why = p.why.map((r) => `, ${PATH_REASON_TEXT[r]}`).join('')
  return `${seen}missed ${p.missed}/${th.failAfter}, good ${p.good}/${th.upAfter}${why}`
}
