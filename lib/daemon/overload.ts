// Says when faild falls behind and when it catches up, once each, and what `faildctl status` shows of it.
//
// The engine holds judgement while faild is blind (see core/engine/blindness.ts); this is the
// shell's side: a warning when it starts, with the first reason, and a line when faild has kept
// up for CAUGHT_UP_INTERVALS intervals (5 s at least, so a load
// that comes and goes is one spell, not a warning every half second), with how long it lasted and how often it was blind.
import type { OverloadStatus } from '../core/report/status.js'
import type { Logger } from '../host/log.js'

/** Intervals (and at least CAUGHT_UP_MIN_MS) without a blind judgement before faild says it caught up. */
const CAUGHT_UP_INTERVALS = 5
const CAUGHT_UP_MIN_MS = 5000

interface Spell {
  readonly since: number
  readonly why: string
  latest: string
  last: number
  held: number
}

export class Overload {
  readonly #log: Logger
  readonly #intervalMs: () => number
  #spell: Spell | undefined

  constructor(log: Logger, intervalMs: () => number) {
    this.#log = log
    this.#intervalMs = intervalMs
  }

  /** A judgement was held at `now` for `why`. */
  held(now: number, why: string): void {
    const s = this.#spell
    if (s) {
      s.held++
      s.last = now
      s.latest = why
      return
    }
    this.#spell = { since: now, why, latest: why, last: now, held: 1 }
    this.#log.warn(
      `overloaded: ${why}; holding judgement: a path is judged only on what faild read, and goes down ` +
        'under overload only after 10 intervals without a packet',
    )
  }

  /** A judgement ran at `now`: after a quiet spell of CAUGHT_UP_INTERVALS, say faild caught up. */
  judged(now: number): void {
    const s = this.#spell
    if (!s || !this.#over(s, now)) return
    this.#spell = undefined
    const lasted = ((s.last - s.since) / 1000).toFixed(1)
    this.#log.info(`overload over: faild kept up again after ${lasted} s behind (${s.held} judgements held)`)
  }

  /** The spell faild is in, if any (one that is over but not said yet is over). */
  status(now: number): OverloadStatus | null {
    const s = this.#spell
    if (!s || this.#over(s, now)) return null
    return { sinceS: Math.round((now - s.since) / 100) / 10, why: s.why, latest: s.latest, held: s.held }
  }

  #over(s: Spell, now: number): boolean {
    return now - s.last >= Math.max(CAUGHT_UP_MIN_MS, CAUGHT_UP_INTERVALS * this.#intervalMs())
  }
}
