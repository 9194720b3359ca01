// Judging while blind: which misses count when faild may have lost packets of its own doing.
//
// A miss means the peer's packet did not come. When faild itself fell behind (the socket dropped
// what it could not queue, the drain before judging gave up, timers ran an interval late), a
// packet that did come may not have been read: judging such a window would take healthy paths
// down, the worst a failover daemon can do (1000 hosts sending in bursts once made 176 false
// failovers). So a window that saw faild blind counts a miss only for a path silent far longer
// than loss and lateness explain; every other judgement waits for windows that open after it.
import type { Peer, PeerLan } from './peer-table.js'
import { OVERLOAD_SILENCE } from './timing.js'

/** Whether one miss may be counted: the peer, its path, and when the miss's window opened. */
export type Judge = (peer: Peer, pl: PeerLan, since: number) => boolean

export class Blindness {
  /** When faild last found itself blind (monotonic ms; -Infinity: never). */
  #at = -Infinity
  readonly #intervalMs: () => number

  constructor(intervalMs: () => number) {
    this.#intervalMs = intervalMs
  }

  /** When faild was last blind; -Infinity: never. */
  get at(): number {
    return this.#at
  }

  /** The judge for one expire(): `blind` is asked once, and only when a miss is about to be counted. */
  judge(now: number, blind: () => boolean): Judge {
    let asked = false
    return (peer, pl, since) => {
      if (!asked) {
        asked = true
        if (blind()) this.#at = now
      }
      if (since > this.#at) return true
      return now - pl.lastHeard >= OVERLOAD_SILENCE * Math.max(this.#intervalMs(), peer.intervalMs)
    }
  }
}
