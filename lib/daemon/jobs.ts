// What each of the scheduler's wake-ups does: judge the peers and the probe targets, send INQs, compare routes.
import type { Effect } from '../core/engine/effects.js'
import type { Engine } from '../core/engine/engine.js'
import type { Overload } from './overload.js'
import type { PacketIn } from './packet-in.js'
import type { Probes } from './probes.js'
import type { RouteSync } from './route-sync.js'
import type { Jobs } from './scheduler.js'

/** The daemon's parts the jobs work on. */
export interface JobParts {
  readonly engine: Engine
  readonly probes: Probes
  readonly packets: PacketIn
  readonly overload: Overload
  readonly sync: RouteSync
  /** Datagrams the kernel dropped at faild's sockets so far. */
  readonly socketDrops: () => number
  /** Carry out the engine's effects; `exact`: re-arm the deadline timer from the engine's exact next deadline. */
  readonly run: (effects: Effect[], exact: boolean) => void
}

/** The scheduler's jobs, done by these parts. */
export function schedulerJobs(p: JobParts): Jobs {
  /** When the last judgement ran. */
  let judgedAt = -Infinity
  return {
    accepted: () => p.packets.accepted,
    judge: (now, behind, stalled) => {
      // Back from a stall: what was silent only since before it is not judged silent (blindness.ts).
      if (stalled) p.engine.stalled(now)
      // Asked at most once per judgement, whoever asks first (the peers' misses or the targets').
      let verdict: boolean | undefined
      const blind = () => {
        if (verdict !== undefined) return verdict
        const why = behind()
        if (why !== undefined) p.overload.held(now, why)
        verdict = why !== undefined
        return verdict
      }
      p.run(p.engine.expire(now, blind), false)
      // The targets keep no record of blindness: one found since the last judgement (by a packet,
      // or the kernel check) holds them too, as the engine's record holds the peers.
      const since = judgedAt
      p.probes.expire(now, () => blind() || p.engine.lastBlind > since)
      judgedAt = now
      p.overload.judged(now)
      p.sync.retry()
    },
    blind: (now, why) => {
      p.overload.held(now, why)
      p.engine.foundBlind(now)
    },
    socketDrops: p.socketDrops,
    tick: (now) => p.run(p.engine.tick(now), false),
    nextDeadline: () => Math.min(p.engine.nextDeadline(), p.probes.nextDeadline()),
    reconcile: () => p.sync.reconcile(),
  }
}
