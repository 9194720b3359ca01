// When each path's next INQ is overdue, kept in one array of numbers: the soonest is found by a scan of contiguous memory, not of every peer's objects.
//
// The deadline timer fires about once an INQ grace (20 ms at -t 0.1), finds that the INQ it
// waited for came meanwhile, and asks for the soonest deadline again. At 1000 requestors walking
// every peer's objects for it was 3.9% of faild's samples (perf, 1000-requestor row), most of it
// memory stalls: here it is a scan of 2000 doubles.

export class InqDues {
  #at = new Float64Array(16).fill(Infinity)
  /** Places freed, given out again first. BOUNDED: the places ever given out. */
  readonly #free: number[] = []
  /** Places below this have been given out. */
  #used = 0

  /** A place of its own for a path, not due (Infinity). */
  alloc(): number {
    const index = this.#free.pop()
    if (index !== undefined) return index
    if (this.#used === this.#at.length) {
      const grown = new Float64Array(2 * this.#used).fill(Infinity)
      grown.set(this.#at)
      this.#at = grown
    }
    return this.#used++
  }

  /** The path is gone: its place is free for another. */
  free(index: number): void {
    this.#at[index] = Infinity
    this.#free.push(index)
  }

  get(index: number): number {
    return this.#at[index]!
  }

  set(index: number, at: number): void {
    this.#at[index] = at
  }

  /** The soonest deadline of all (Infinity: none). */
  soonest(): number {
    const at = this.#at
    let soonest = Infinity
    for (let i = 0; i < this.#used; i++) if (at[i]! < soonest) soonest = at[i]!
    return soonest
  }
}
