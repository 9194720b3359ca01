// Counts dropped packets and failed sends by reason: the first of each kind is a warning, the rest quiet.
import type { Logger } from '../host/log.js'

/** Packets dropped, by reason (decode error codes and engine drop reasons). BOUNDED: one key per reason. */
export type DropCounters = Map<string, number>

export class Drops {
  readonly counts: DropCounters = new Map()
  readonly #log: Logger
  readonly #label: (lan: number) => string
  /** Log every drop (-vv: one line per packet), not only the first of each kind. */
  #verbose: boolean

  constructor(log: Logger, label: (lan: number) => string, verbose: boolean) {
    this.#log = log
    this.#label = label
    this.#verbose = verbose
  }

  set verbose(v: boolean) {
    this.#verbose = v
  }

  /** Under load drops come by the thousand: `detail` builds its text only when it is logged. */
  count(reason: string, lan: number | undefined, detail: () => string): void {
    const n = (this.counts.get(reason) ?? 0) + 1
    this.counts.set(reason, n)
    const hint = reason === 'id-clash' ? ': another host uses this node id, set --node-id' : ''
    const where = lan === undefined ? reason : `LAN ${this.#label(lan)}: ${reason}`
    if (n === 1) this.#log.warn(`${where} (${detail()})${hint}; further ones are counted quietly (-vv logs each)`)
    else if (this.#verbose) this.#log.debug(`${where} (${detail()})`)
  }

  get total(): number {
    let sum = 0
    for (const n of this.counts.values()) sum += n
    return sum
  }

  /** "dropped 3 (ERR_BAD_MAGIC 2, late-ack 1)". */
  describe(): string {
    const kinds = [...this.counts].map(([k, v]) => `${k} ${v}`).join(', ')
    return `dropped ${this.total}${kinds ? ` (${kinds})` : ''}`
  }
}
