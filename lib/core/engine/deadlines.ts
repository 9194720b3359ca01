// When the engine next has something to judge: a lower bound kept per packet in O(1), and the exact time found without walking every peer each time.
//
// INQ deadlines are one array's scan (inq-dues.ts). The rest (a silent peer forgotten, services
// unsaid too long, a hold run out) is seconds away and changes rarely: it is found again only
// after a change that may make it sooner, or once it is reached (a peer heard since is forgotten
// later, so until then it is early, never late).
import type { Effect } from './effects.js'
import { type ExpiryParts, slowDeadline } from './expiry.js'

/** No epoch of the table (they count up from 0): the slow deadline is found again at the next next(). */
const STALE = -1

export class Deadlines {
  readonly #parts: ExpiryParts
  /**
   * A lower bound on the next deadline, kept in O(1) as deadlines are set, so the daemon can
   * re-arm its timer per packet without finding the next one (see next()).
   */
  #soonest = Infinity
  /** slowDeadline() when last found, and the table's epoch then (STALE: to be found again). */
  #slow = Infinity
  #slowEpoch = STALE

  constructor(parts: ExpiryParts) {
    this.#parts = parts
  }

  /** A deadline was set at `at`: the bound follows at once, so a packet never needs next(). */
  set(at: number): void {
    this.#soonest = Math.min(this.#soonest, at)
  }

  /** No deadline is earlier than this (O(1)). */
  get soonest(): number {
    return this.#soonest
  }

  /** The next deadline: exact, or earlier while a peer heard since has its forget time later. */
  next(): number {
    const { peers, rounds } = this.#parts
    if (this.#slowEpoch !== peers.epoch) {
      this.#slow = slowDeadline(this.#parts)
      this.#slowEpoch = peers.epoch
    }
    this.#soonest = Math.min(rounds.nextDue(), peers.soonestInq(), this.#slow)
    return this.#soonest
  }

  /** Judging at `now`: once the slow deadline is reached, it is found again. */
  judging(now: number): void {
    if (now >= this.#slow) this.#slowEpoch = STALE
  }

  /** `out`, noting whether a slow deadline may be sooner after it (a peer met, services held, a hold begun). */
  noted(out: Effect[]): Effect[] {
    if (out.some((e) => e.kind === 'peer' || e.kind === 'services' || e.kind === 'damped')) this.#slowEpoch = STALE
    return out
  }
}
