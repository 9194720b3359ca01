// Says why faild may have lost packets of its own doing: the kernel dropped them at its sockets, a drain gave up, or its timers ran late.
//
// The engine judges nothing it could not observe (core/engine/blindness.ts): the scheduler asks
// this at each judgement, and the kernel check reads the drop counter on its own cadence too.

/** A timer this late (and at least one interval) means faild fell behind, not a scheduling hiccup. */
const LATE_MIN_MS = 50

export class Lateness {
  readonly #socketDrops: () => number
  /** The socket drop counter when last read. */
  #drops = 0

  /** `socketDrops`: packets the kernel dropped at faild's sockets so far (receive buffer full). */
  constructor(socketDrops: () => number) {
    this.#socketDrops = socketDrops
  }

  /** Count drops from now on: those before the start are not ours to excuse. */
  start(): void {
    this.#drops = this.#socketDrops()
  }

  /** Whether the kernel dropped packets at faild's sockets since this was last asked, and how many. */
  dropped(): string | undefined {
    const drops = this.#socketDrops()
    const lost = drops - this.#drops
    this.#drops = drops
    return lost > 0 ? `the kernel dropped ${lost} packets at faild's socket (receive buffer full)` : undefined
  }

  /**
   * Why faild may have lost packets of its own doing since last asked; undefined: it kept up.
   * `gaveUp`: why the drain before it stopped with packets still arriving, if it did.
   */
  behind(gaveUp: string | undefined, lateMs: number, intervalMs: number): string | undefined {
    const dropped = this.dropped()
    if (dropped) return dropped
    if (gaveUp) return gaveUp
    if (stalled(lateMs, intervalMs)) return `timers ran ${Math.round(lateMs)} ms late`
    return undefined
  }
}

/** Timers `lateMs` late mean faild read nothing for that long: a stall, not a scheduling hiccup. */
export function stalled(lateMs: number, intervalMs: number): boolean {
  return lateMs >= Math.max(LATE_MIN_MS, intervalMs)
}
