// Which wire versions are heard on each LAN: v1 copies go out while a v1 host is heard there, and v1 copies from v2 senders are ignored.
//
// A cluster is upgraded host by host: a v2 host decodes both versions, and on a LAN where a v1
// host was heard within the forget time it sends each broadcast INQ and notice in v1 too (v1
// hosts drop v2 as a bad version). Another v2 host hears both; the v1 copy of a sender it has
// heard in v2 (same node id and boot) is ignored, and never taken for a v1 host.
import { mapKey } from '../core/util/map-key.js'
import type { Packet } from '../core/wire/packet.js'

/** v2 senders remembered; beyond it the record starts over (a copy is then taken once as v1). */
const MAX_SENDERS = 4096

export class WireVersions {
  /** By LAN index: when a v1 host was last heard there (monotonic ms). */
  readonly #v1At: number[]
  /** mapKey(node id) to boot of the senders heard in v2. BOUNDED: MAX_SENDERS. */
  readonly #v2 = new Map<number, number>()
  readonly #forgetMs: () => number
  /** v1 copies of v2 senders, ignored. */
  copies = 0
  /** Times the record of v2 senders started over: a routine INQ (routine-in.ts) skips it only while it has not. */
  clears = 0

  constructor(lanCount: number, forgetMs: () => number) {
    this.#v1At = Array.from({ length: lanCount }, () => -Infinity)
    this.#forgetMs = forgetMs
  }

  /**
   * A v2 packet let in, not as a replay: its sender's v1 copies of this boot are ignored from now
   * on. A replay of an earlier run must not set the record back, or the sender's v1 copies would
   * pass for a v1 host's until its next packet that is not a routine INQ.
   */
  heard(p: Packet): void {
    const key = mapKey(p.from)
    if (this.#v2.size >= MAX_SENDERS && !this.#v2.has(key)) {
      this.#v2.clear()
      this.clears++
    }
    this.#v2.set(key, p.boot)
  }

  /** A decoded packet on `lan`: true if it is a v1 copy of a v2 sender, to be ignored; a v1 one else marks a v1 host there. */
  copy(now: number, lan: number, p: Packet): boolean {
    if (p.version === 2) return false
    if (this.#v2.get(mapKey(p.from)) === p.boot) {
      this.copies++
      return true
    }
    this.#v1At[lan] = now
    return false
  }

  /** A v1 host was heard on `lan` within the forget time: send v1 copies there. */
  v1Heard(lan: number, now: number): boolean {
    return now - (this.#v1At[lan] ?? -Infinity) < this.#forgetMs()
  }
}
