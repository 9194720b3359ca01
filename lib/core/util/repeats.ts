// Warnings that repeat (ip missing, an address gone: a failed batch retried every interval) are
// logged once, then counted, and summed up at most once a minute: "... 312 more in the last minute".
// Pure: time comes as `now`.

/** How often one kind of warning is logged again, with the count of those held back. */
export const REPEAT_WINDOW_MS = 60_000
/** Kinds tracked at once. BOUNDED: the call sites are few; past this, the oldest kind is forgotten. */
const MAX_KINDS = 64

interface Kind {
  since: number
  held: number
}

export class Repeats {
  readonly #kinds = new Map<string, Kind>()

  /**
   * Whether a warning of `kind` is logged now, and with how many were held back before it. The
   * first is logged; more within REPEAT_WINDOW_MS are counted; the next after it is logged with
   * the count.
   */
  take(kind: string, now: number): { log: boolean; held: number } {
    const k = this.#kinds.get(kind)
    if (k && now - k.since < REPEAT_WINDOW_MS) {
      k.held++
      return { log: false, held: 0 }
    }
    const held = k?.held ?? 0
    this.#kinds.delete(kind) // re-inserted last: the map's order is the age order
    if (this.#kinds.size >= MAX_KINDS) this.#kinds.delete(this.#kinds.keys().next().value!)
    this.#kinds.set(kind, { since: now, held: 0 })
    return { log: true, held }
  }

  /** The kind's trouble is over (the batch went through): the next one is news, logged at once. */
  clear(kind: string): void {
    this.#kinds.delete(kind)
  }
}

/** " (12 more like it in the last minute)", or nothing. */
export const heldText = (held: number): string => (held > 0 ? ` (${held} more like it in the last minute)` : '')
