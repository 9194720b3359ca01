// The newcomers a full peer table evicted, remembered with the LANs each was heard on, so a real host heard again on another LAN comes back confirmed.
//
// A flood of invented ids evicts a real newcomer within milliseconds, before its INQ on the next
// LAN arrives (sent a moment after the first); heard there, it comes back confirmed, as a peer
// heard on two LANs. Invented ids each heard once on one LAN never are.

/** Evicted newcomers remembered: at 40k invented ids a second, 100 ms of them. */
const RECALLED = 4096

/** What is remembered of an evicted peer. */
interface Heard {
  readonly id: number
  readonly lans: ReadonlyArray<{ readonly lastHeard: number }>
}

export class Evicted {
  /** Node id to a bit per LAN it was heard on, oldest first. BOUNDED: RECALLED. */
  readonly #heard = new Map<number, number>()

  /** `peer` is evicted now: remember where it was heard (with where it was heard before an earlier eviction). */
  remember(peer: Heard): void {
    let heard = this.#heard.get(peer.id) ?? 0
    peer.lans.forEach((pl, lan) => {
      if (pl.lastHeard !== -Infinity) heard |= 1 << lan
    })
    this.#heard.delete(peer.id) // re-inserted: the oldest entry goes first
    if (this.#heard.size >= RECALLED) this.#heard.delete(this.#heard.keys().next().value!)
    this.#heard.set(peer.id, heard)
  }

  /** True (once) when a newcomer heard on `lan` was evicted earlier after being heard on another LAN. */
  recall(id: number, lan: number): boolean {
    const heard = this.#heard.get(id)
    if (heard === undefined || (heard & ~(1 << lan)) === 0) return false
    this.#heard.delete(id)
    return true
  }
}
