// Keeps a child process running: started again after it exits, less often while it keeps exiting.
import { performance } from 'node:perf_hooks'
import type { Clock, Timer } from './clock.js'

/** What is kept running: a ChildProcess, or a fake in specs. */
export interface Closing {
  on(event: 'close', listener: (code: number | null) => void): unknown
}

/** A child just started, and what to say if it exits by itself (not ended by stop or start). */
export interface Started<C> {
  readonly child: C
  /** `inARow`: the quick exits just before this one (0: the first since it last worked). */
  readonly exited: (code: number | null, inARow: number) => void
}

export interface RespawnTiming<C> {
  /** The wait after an exit; doubled for each quick exit in a row, up to `maxMs`. */
  readonly firstMs: number
  /** Default `firstMs`: the same wait every time. */
  readonly maxMs?: number
  /** A child that ran this long was working: its exit is the first of a new run. Default: never. */
  readonly livedMs?: number
  /** Ends a running child that stop() or start() puts aside. */
  readonly end: (child: C) => void
  readonly clock?: Clock | undefined
}

/** Timers unref'd: a respawn to come never keeps faild running by itself. */
const background: Clock = {
  now: () => performance.now(),
  setTimeout(fn, ms) {
    const h = setTimeout(fn, ms).unref()
    return { cancel: () => clearTimeout(h) }
  },
}

export class Respawned<C extends Closing> {
  readonly #start: () => Started<C>
  readonly #timing: Required<RespawnTiming<C>> & { clock: Clock }
  #child: C | undefined
  #running = false
  #timer: Timer | undefined
  #stopped = false
  /** Exits in a row of children that ran less than livedMs. */
  #quickExits = 0

  constructor(start: () => Started<C>, timing: RespawnTiming<C>) {
    this.#start = start
    const { firstMs, maxMs = firstMs, livedMs = Infinity, end, clock = background } = timing
    this.#timing = { firstMs, maxMs, livedMs, end, clock }
  }

  /** The child started last: while a respawn is due, the one that exited. */
  get child(): C | undefined {
    return this.#child
  }

  /** Starts one now, in place of the one running (ended) or of a respawn due. */
  start(): void {
    this.#putAside()
    if (!this.#stopped) this.#spawn()
  }

  /** Ends the one running; none starts again. */
  stop(): void {
    this.#stopped = true
    this.#putAside()
  }

  /** Its exit, when ended, is not one to respawn: it is no longer the child. */
  #putAside(): void {
    this.#timer?.cancel()
    const child = this.#child
    const running = this.#running
    this.#child = undefined
    this.#running = false
    if (child && running) this.#timing.end(child)
  }

  #spawn(): void {
    const { firstMs, maxMs, livedMs, clock } = this.#timing
    const { child, exited } = this.#start()
    this.#child = child
    this.#running = true
    const startedAt = clock.now()
    child.on('close', (code) => {
      if (child !== this.#child) return // ended by stop() or start(), not by itself
      this.#running = false
      if (clock.now() - startedAt >= livedMs) this.#quickExits = 0
      const inARow = this.#quickExits++
      exited(code, inARow)
      this.#timer = clock.setTimeout(() => this.#spawn(), Math.min(maxMs, firstMs * 2 ** inARow))
    })
  }
}
