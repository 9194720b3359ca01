// Virtual time for specs: a Clock (lib/host/clock.ts) whose time moves only when the spec says,
// and a `defer` (setImmediate's stand-in) whose callbacks run only when the spec runs them.
import type { Clock, Timer } from '../../lib/host/clock.js'

/** What code that defers work takes in place of setImmediate. */
export type Defer = (fn: () => void) => void

interface Pending {
  readonly at: number
  /** Order of setting: timers due at the same time fire in the order they were set. */
  readonly seq: number
  readonly fn: () => void
}

/** Timers a single advance() may fire before it calls the code under test a runaway. */
const MAX_FIRED = 100_000

export class FakeClock implements Clock {
  #now: number
  #seq = 0
  /** Timers set and neither fired nor cancelled. BOUNDED: what the code under test keeps armed. */
  #timers: Pending[] = []

  constructor(start = 0) {
    this.#now = start
  }

  now(): number {
    return this.#now
  }

  /** Like systemClock.setTimeout: a negative delay is 0; cancel() after it fired does nothing. */
  setTimeout(fn: () => void, ms: number): Timer {
    const timer: Pending = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn }
    this.#timers.push(timer)
    return { cancel: () => void (this.#timers = this.#timers.filter((x) => x !== timer)) }
  }

  /** Timers armed now. */
  get pending(): number {
    return this.#timers.length
  }

  /** When the next timer is due, or undefined if none is armed. */
  nextDue(): number | undefined {
    return this.#first()?.at
  }

  /**
   * Move time forward by `ms`, firing every timer due by then in one synchronous turn: in due order
   * (ties in the order they were set), each with now() at its own due time. A timer set by a callback
   * fires in the same turn if it falls due in the window; one cancelled by a callback does not.
   * Returns how many fired.
   */
  advance(ms: number): number {
    if (!(ms >= 0)) throw new RangeError(`FakeClock.advance(${ms}): time only moves forward`)
    const end = this.#now + ms
    let fired = 0
    for (let next = this.#first(); next && next.at <= end; next = this.#first()) {
      if (++fired > MAX_FIRED)
        throw new Error(
          `FakeClock.advance(${ms}): over ${MAX_FIRED} timers fired; a timer re-arms itself with no delay?`,
        )
      this.#timers = this.#timers.filter((x) => x !== next)
      this.#now = next.at
      next.fn()
    }
    this.#now = end
    return fired
  }

  /** Advance to the next due timer and fire every timer due then; 0 when none is armed. */
  runNext(): number {
    const at = this.nextDue()
    return at === undefined ? 0 : this.advance(at - this.#now)
  }

  #first(): Pending | undefined {
    let first: Pending | undefined
    for (const x of this.#timers) if (!first || x.at < first.at || (x.at === first.at && x.seq < first.seq)) first = x
    return first
  }
}

/** A queue of deferred callbacks that runs only when the spec says: inject `defer`, then run. */
export class FakeDefer {
  /** Deferred and not yet run, in order. BOUNDED: what the code under test defers between runs. */
  #queue: Array<() => void> = []

  /** Pass this where the code takes a Defer. */
  readonly defer: Defer = (fn) => void this.#queue.push(fn)

  get pending(): number {
    return this.#queue.length
  }

  /** One turn: run the callbacks queued so far, in order; those they defer wait for the next turn. Returns how many ran. */
  runOnce(): number {
    const turn = this.#queue
    this.#queue = []
    for (const fn of turn) fn()
    return turn.length
  }

  /** Run turns until nothing is deferred (at most `maxTurns`, then throw). Returns how many ran. */
  runAll(maxTurns = 1000): number {
    let ran = 0
    for (let turn = 0; this.#queue.length > 0; turn++) {
      if (turn >= maxTurns) throw new Error(`FakeDefer.runAll: still deferring after ${maxTurns} turns`)
      ran += this.runOnce()
    }
    return ran
  }
}
