// Packets given to one engine as routine-in.ts gives them: an INQ like the one kept for its sender and LAN taken by takeRoutine(), the rest received.
import type { Effect, Engine, Routine } from '../../lib/core/engine/engine.js'
import type { Message } from '../../lib/core/wire/message.js'

export class RoutineFeed {
  readonly #engine: Engine
  /** What routine-in.ts compares of the bytes: a message's shape, all but its number (and whom it asks). */
  readonly #shape: (m: Message) => string
  /** By LAN and source: the INQ routine ones are taken against, and its shape. */
  readonly #kept = new Map<string, { shape: string; r: Routine }>()
  /** INQs taken as routine so far. */
  taken = 0

  constructor(engine: Engine, shape: (m: Message) => string) {
    this.#engine = engine
    this.#shape = shape
  }

  /** `msg` at `now`: undefined if taken as routine, else what receive() gave. */
  deliver(now: number, lan: number, src: number, msg: Message): Effect[] | undefined {
    const e = this.#engine
    const key = `${lan}:${src}`
    const shape = this.#shape(msg)
    const k = this.#kept.get(key)
    if (k && k.shape === shape && e.takesRoutine(k.r, msg.seq)) {
      e.takeRoutine(now, k.r, msg.seq)
      this.taken++
      return undefined
    }
    const out = e.receive(now, lan, src, msg)
    const r = out.length === 0 ? e.routineOf(lan, src, msg) : undefined
    if (r) this.#kept.set(key, { shape, r })
    return out
  }
}
