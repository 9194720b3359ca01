// Owns every timer of the daemon; when one fires it drains the sockets, then judges, then ticks.
//
// Timers run before the loop polls for I/O, so ACKs that arrived in time (a burst from a large
// cluster, or while the loop was stalled) may still be queued in the socket when a deadline or the
// next tick fires. Every wake-up therefore defers until a turn delivers no packet that counts
// (libuv reads 32 datagrams per socket per turn), up to DRAIN_TURNS turns, and only then judges
// the deadlines and sends the next INQs, in that order, even when both fell due in the same turn;
// a drain that lasts a tenth of the interval sends the INQs first, so that they keep time.
// It also tells the judge when faild fell behind (lateness.ts: the drain gave up, a timer ran an
// interval late, the kernel dropped packets at the socket), so the engine judges nothing it could not observe.
import type { Clock, Timer } from '../host/clock.js'
import { Lateness, stalled } from './lateness.js'

/** Runs `fn` after the next poll for I/O (setImmediate); specs pass their own. */
export type Defer = (fn: () => void) => void

/** At most this many extra event-loop turns to drain the sockets before judging. */
const DRAIN_TURNS = 100

/**
 * The INQs wait for the drain at most this fraction of the interval, then go out and the drain goes
 * on: peers wait only the interval and a grace (20%) for our next INQ, and a flood of well-formed
 * packets keeps every turn reading (100 turns took 2.2 s in the flood lab spec), so INQs held for
 * the whole drain went out seconds late and peers, hearing nothing, said they did not hear us.
 */
const TICK_WAIT_FRACTION = 0.1

/** Compare faild's routes with the kernel's at most this often (and at least once per interval above it). */
const RECONCILE_MIN_MS = 1000

/** What the scheduler drives; the daemon wires it to the engine, packet ingress and route sync. */
export interface Jobs {
  /** Packets that counted so far: the drain goes on while a turn adds to it. */
  accepted(): number
  /**
   * Judge every deadline due by `now`; `behind()` says why faild may have lost packets of its own
   * doing since it was last asked (undefined: it kept up). Ask it only when it matters: it reads
   * the kernel's socket counters. `stalled`: its timers ran an interval late or more (it read
   * nothing for that long).
   */
  judge(now: number, behind: () => string | undefined, stalled?: boolean): void
  /** Packets the kernel dropped at faild's sockets so far (receive buffer full). */
  socketDrops(): number
  /** faild found itself blind at `now` for `why` outside a judgement (socket drops read by the kernel check). */
  blind(now: number, why: string): void
  /** Send the next INQs (requestor only). */
  tick(now: number): void
  /** When judge() next has something to do, exactly (Infinity: nothing). */
  nextDeadline(): number
  /** Compare the kernel with what faild installed. */
  reconcile(): void
}

export class Scheduler {
  readonly #clock: Clock
  readonly #defer: Defer
  readonly #jobs: Jobs
  /** Milliseconds between INQs; 0: a responder, which never ticks. */
  #intervalMs: number
  #deadline: Timer | undefined
  /** When the deadline timer fires (Infinity: not armed). */
  #deadlineAt = Infinity
  #tick: Timer | undefined
  #nextTick = 0
  /** The tick timer fired (timers may fire a millisecond early: the clock is not asked). */
  #tickDue = false
  #reconcile: Timer | undefined
  #waking = false
  /** The drain of this wake-up gave up with packets still arriving. */
  #gaveUp = false
  /** When this wake-up's drain began. */
  #wokeAt = 0
  /** When the earliest timer of this wake-up was meant to fire (Infinity: none yet). */
  #plannedAt = Infinity
  readonly #lateness: Lateness
  #stopped = true

  constructor(clock: Clock, defer: Defer, jobs: Jobs, intervalMs: number) {
    this.#clock = clock
    this.#defer = defer
    this.#jobs = jobs
    this.#intervalMs = intervalMs
    this.#lateness = new Lateness(() => jobs.socketDrops())
  }

  /** The first INQ goes out at once (after a drain); the kernel check starts its cadence. */
  start(ticking: boolean): void {
    this.#stopped = false
    this.#lateness.start()
    // Packets read before the start (the sockets open first) may have set deadlines: arm for them.
    this.rearm()
    if (ticking) {
      this.#nextTick = this.#clock.now()
      this.#tickDue = true
      this.#wake(this.#nextTick)
    }
    this.#scheduleReconcile()
  }

  stop(): void {
    this.#stopped = true
    for (const t of [this.#tick, this.#deadline, this.#reconcile]) t?.cancel()
  }

  /** A reload changed the interval: the next tick keeps its time, the ones after follow the new one. */
  set intervalMs(ms: number) {
    this.#intervalMs = ms
  }

  /** Re-arm the deadline timer from the engine's exact next deadline (after a tick, expiry or event). */
  rearm(): void {
    this.#arm(this.#jobs.nextDeadline())
  }

  /** A packet may have set an earlier deadline: re-arm only then (O(1) per packet). */
  soonest(lowerBound: number): void {
    if (lowerBound < this.#deadlineAt) this.rearm()
  }

  #arm(at: number): void {
    this.#deadline?.cancel()
    // Not running: nothing is armed, so any deadline a packet brings must arm once we run.
    this.#deadlineAt = this.#stopped ? Infinity : at
    if (!Number.isFinite(at) || this.#stopped) return
    this.#deadline = this.#clock.setTimeout(() => this.#due(at), at - this.#clock.now())
  }

  /**
   * The deadline timer fired. Packets push most deadlines later without re-arming it (an INQ heard
   * moves its sender's), so when nothing is due any more it is only armed again: no drain, no
   * judgement. At idle most of these wake-ups found nothing to do (about 30 a second of 50).
   */
  #due(at: number): void {
    if (this.#waking || this.#tickDue || this.#stopped) return this.#wake(at)
    const next = this.#jobs.nextDeadline()
    if (next > this.#clock.now()) return this.#arm(next)
    this.#wake(at)
  }

  /** A timer fired: drain, then judge, then tick; one wake-up at a time covers every timer due. */
  #wake(plannedAt: number): void {
    this.#plannedAt = Math.min(this.#plannedAt, plannedAt)
    if (this.#waking || this.#stopped) return
    this.#waking = true
    this.#wokeAt = this.#clock.now()
    this.#drain(this.#jobs.accepted(), 0)
  }

  #drain(seen: number, turns: number): void {
    this.#defer(() => {
      if (this.#stopped) return
      // Only packets that count: a flood of garbage must not hold the judgement back.
      const count = this.#jobs.accepted()
      if (count !== seen && turns < DRAIN_TURNS) {
        // A long drain: the INQs go out now, before the judgement (see TICK_WAIT_FRACTION).
        const now = this.#clock.now()
        if (this.#tickDue && now - this.#wokeAt >= TICK_WAIT_FRACTION * this.#intervalMs) this.#sendTick(now)
        return this.#drain(count, turns + 1)
      }
      this.#gaveUp = count !== seen
      this.#waking = false
      this.#run()
    })
  }

  #run(): void {
    const now = this.#clock.now()
    // Judging and ticking set deadlines: one exact re-arm at the end covers them (core/engine/deadlines.ts).
    this.#deadlineAt = -Infinity
    const late = now - this.#plannedAt
    // A stall is the timer firing late (faild ran nothing meanwhile), not a long drain (it was reading).
    const stall = stalled(this.#wokeAt - this.#plannedAt, this.#intervalMs)
    const gaveUp = this.#gaveUp
    this.#plannedAt = Infinity
    this.#gaveUp = false
    const drainedFor = gaveUp ? `packets were still arriving after ${DRAIN_TURNS} turns of reading` : undefined
    this.#jobs.judge(now, () => this.#lateness.behind(drainedFor, late, this.#intervalMs), stall)
    // Timed from when they leave, after the judgement: their round's ACK timeout is not spent judging.
    if (this.#tickDue) this.#sendTick(this.#clock.now())
    this.rearm()
  }

  /** Send the INQs due and arm the next tick. */
  #sendTick(now: number): void {
    this.#tickDue = false
    this.#jobs.tick(now)
    // An absolute schedule, so the interval does not drift; after a stall, no burst.
    this.#nextTick += this.#intervalMs
    if (this.#nextTick < now) this.#nextTick = now + this.#intervalMs
    this.#tick?.cancel()
    const at = this.#nextTick
    this.#tick = this.#clock.setTimeout(() => {
      this.#tickDue = true
      this.#wake(at)
    }, at - now)
  }

  /** Whether the kernel dropped packets at faild's sockets since this was last asked, and how many. */
  dropped(): string | undefined {
    return this.#lateness.dropped()
  }

  #scheduleReconcile(): void {
    const every = Math.max(RECONCILE_MIN_MS, this.#intervalMs)
    this.#reconcile = this.#clock.setTimeout(() => {
      if (this.#stopped) return
      // The drop counter is read on this cadence too: drops no judgement asked about are found
      // when they happen, not hours later at a real fault's first miss, which they would excuse.
      const dropped = this.#lateness.dropped()
      if (dropped) this.#jobs.blind(this.#clock.now(), dropped)
      this.#jobs.reconcile()
      this.#scheduleReconcile()
    }, every)
  }
}
