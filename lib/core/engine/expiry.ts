// Judging what fell due (unanswered rounds, overdue INQs, holds run out, silent peers), and when the slow part of that next is (deadlines.ts has the rest).
import { held } from '../path/flap-damping.js'
import type { Blindness } from './blindness.js'
import type { EngineConfig } from './config.js'
import type { Effect } from './effects.js'
import type { PathChanges } from './path-change.js'
import { forgetMs } from './peer.js'
import type { PeerTable } from './peer-table.js'
import { setServices } from './peer-word.js'
import { owes, type ProbeRounds } from './probe-round.js'
import { NO_SERVICES } from './services.js'

/** The engine's parts that judging reads and steps. */
export interface ExpiryParts {
  config(): EngineConfig
  readonly peers: PeerTable
  readonly rounds: ProbeRounds
  readonly paths: PathChanges
  readonly blindness: Blindness
}

/**
 * Judge every deadline that has passed: unanswered rounds and overdue INQs count as missed,
 * flap-damping holds end, silent peers are forgotten. The only place a miss is counted.
 *
 * `blind` says whether faild may have missed packets of its own doing since it last judged (a
 * drain that did not finish, timers far behind, the socket dropping what it could not queue).
 * It is asked only when a miss is about to be counted, so an idle daemon never pays for it.
 * What faild could not observe it does not judge: a miss whose window saw it blind counts only
 * for a path silent for OVERLOAD_SILENCE intervals, so a dead path is still found under
 * overload, later (see Blindness).
 */
export function expire(d: ExpiryParts, now: number, blind: () => boolean): Effect[] {
  const out: Effect[] = []
  const { peers, paths } = d
  const judge = d.blindness.judge(now, blind)
  for (const [lan, round] of d.rounds.due(now)) {
    for (const peer of peers) {
      if (owes(round, peer, lan) && judge(peer, peer.lans[lan]!, round.sentAt)) paths.missed(peer, lan, now, out)
    }
  }
  const intervalMs = d.config().intervalMs
  for (const peer of peers) {
    peer.lans.forEach((pl, lan) => {
      paths.endHold(peer, lan, now, out)
      paths.missInqs(peer, lan, now, out, (since) => judge(peer, pl, since))
    })
    // Said by no packet for that long (a lost "holds none" notice, an ACK-only holder gone quiet): stale.
    if (peer.services.length > 0 && now - peer.servicesAt >= forgetMs(peer, intervalMs))
      setServices(peer, NO_SERVICES, out)
    const forgotten = peers.forgetIfSilent(peer, now, intervalMs)
    if (forgotten) out.push(forgotten)
  }
  return out
}

/**
 * The earliest time at which expire() has something to judge besides INQs and ACKs: a silent peer
 * forgotten, services unsaid too long, a hold run out. Exact, O(peers): see deadlines.ts.
 */
export function slowDeadline(d: ExpiryParts): number {
  const intervalMs = d.config().intervalMs
  let next = Infinity
  for (const peer of d.peers) {
    const forget = forgetMs(peer, intervalMs)
    next = Math.min(next, peer.lastHeard + forget, peer.services.length > 0 ? peer.servicesAt + forget : Infinity)
    for (const pl of peer.lans) if (held(pl.flaps)) next = Math.min(next, pl.flaps.heldUntil)
  }
  return next
}
