// The monotonic clock and timers the daemon schedules with; specs inject a fake one.
import { performance } from 'node:perf_hooks'

export interface Timer {
  cancel(): void
}

export interface Clock {
  /** Monotonic milliseconds: immune to wall-clock steps (NTP, an operator's `date`). */
  now(): number
  setTimeout(fn: () => void, ms: number): Timer
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout(fn, ms) {
    const h = setTimeout(fn, Math.max(0, ms))
    return { cancel: () => clearTimeout(h) }
  },
}
