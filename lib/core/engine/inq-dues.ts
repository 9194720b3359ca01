// When each path's next INQ is overdue, kept in one array of numbers: the soonest is found by a scan of contiguous memory, not of every peer's objects.
//
// The deadline timer fires about once an INQ grace (20 ms at -t 0.1), finds that the INQ it
// waited for came meanwhile, and asks for the soonest deadline again. At 1000 requestors walking
// every peer's objects for it was 3.9% of faild's samples (perf, 1000-requestor row), most of it
// memory stalls: here it is a scan of 2000 doubles.

export class InqDues {
  #at = new Float64Array(16).fill(Infinity)
  /** Slots given back, taken again first. BOUNDED: the slots ever taken. */
  readonly #free: number[] = []
  /** Slots below this have been taken. */
  #used = 0

  /** A slot of its own for a path, not due (Infinity). */
  take(): number {
    const slot = this.#free.pop()
    if (slot !== undefined) return slot
    if (this.#used === this.#at.length) {
      const grown = new Float64Array(2 * this.#used).fill(Infinity)
      grown.set(this.#at)
      this.#at = grown
    }
    return this.#used++
  }

  /** The path is gone: its slot is free for another. */
  give(slot: number): void {
    this.#at[slot] = Infinity
    this.#free.push(slot)
  }

  get(slot: number): number {
    return this.#at[slot]!
  }

  set(slot: number, at: number): void {
    this.#at[slot] = at
  }

  /** The soonest deadline of all (Infinity: none). */
  soonest(): number {
    const at = this.#at
    let soonest = Infinity
    for (let i = 0; i < this.#used; i++) if (at[i]! < soonest) soonest = at[i]!
    return soonest
  }
}
