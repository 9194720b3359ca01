// Routine INQs known by their bytes and taken undecoded: packet-in.ts's short way, ending where its full way would.
//
// A routine INQ, the same as the last one its sender sent on that LAN but for its number and
// whom it asks (at scale, nearly every datagram), needs no decoding: its MAC is checked, its
// sender's replay record and bucket are spent as the full way would spend them, then the engine
// takes it (core/engine/routine.ts). Whatever this cannot vouch for goes the full way, so both
// end in the same state (spec/daemon/packet-in-routine.spec.ts reads the same datagrams both ways).
import { newer } from '../core/engine/admit.js'
import type { Routine } from '../core/engine/engine.js'
import { formatIPv4 } from '../core/util/ipv4.js'
import type { Bucket, RateLimiter } from '../core/util/rate-limit.js'
import type { WireKey } from '../core/wire/message.js'
import { type InqShape, routineSeq, shapeOf } from '../core/wire/routine-inq.js'
import { signedEnd } from '../core/wire/v2.js'
import type { Drops } from './drops.js'
import { RoutineSlots } from './routine-slots.js'
import type { WireVersions } from './wire-versions.js'

export interface RoutineInDeps {
  readonly drops: Drops
  readonly versions: WireVersions
  /** The length of this host's prefix on `lan`: how many entries its LAN's array needs. */
  readonly prefixLen: (lan: number) => number
  /** Whether `r`'s INQ again, numbered `seq`, may be taken undecoded (Engine.takesRoutine). */
  readonly takesRoutine: (r: Routine, seq: number) => boolean
  /** Take it, as the engine's receive() would have (Engine.takeRoutine). */
  readonly takeRoutine: (now: number, r: Routine, seq: number) => void
  /** This host's node id: an INQ that asks it for an answer is decoded. */
  readonly nodeId: number
}

/** With a key, the newest (boot, seq) let in from one sender, kind and LAN (packet-in.ts); moved on in place. */
export interface Latest {
  boot: number
  seq: number
}

/** Who sent a packet, as ingress charges it: its bucket's key in the rate limiter, its boot and, with a key, its record. */
export interface Sender {
  readonly budget: number
  readonly boot: number
  readonly latest: Latest | undefined
}

/** The limits of the moment (a reload changes them): the rate limiter and the keys. */
export interface Limits {
  readonly limiter: RateLimiter
  readonly keys: readonly WireKey[]
}

/**
 * An INQ kept to know routine ones by: its shape (bytes), what the engine takes them against
 * (Routine), and what they spend. One object, not three: at scale each is a cache miss per packet.
 */
interface Kept extends InqShape, Routine {
  readonly src: number
  /** The rate limiter's key for its sender (packet-in.ts), and the bucket it had when kept. */
  readonly budget: number
  readonly bucket: Bucket
  readonly boot: number
  /** With a key: its sender's record of INQs on this LAN. */
  readonly latest: Latest | undefined
  /** WireVersions.clears when it was kept: the sender is on its record of v2 senders while that holds. */
  readonly clears: number
}

/** What take() did with a datagram: let it in, dropped it (counted), or nothing (decode it). */
export type Taken = 'in' | 'dropped' | 'decode'

export class RoutineIn {
  readonly #deps: RoutineInDeps
  /** By LAN and source address, the INQ routine ones are known by. BOUNDED: routine-slots.ts. */
  readonly #kept: RoutineSlots<Kept>

  constructor(deps: RoutineInDeps) {
    this.#deps = deps
    this.#kept = new RoutineSlots(deps.prefixLen)
  }

  /** The datagram from `src` on `lan`, taken if it is the INQ kept for them again, routine. */
  take(now: number, lan: number, src: number, data: Buffer, limits: Limits): Taken {
    const kept = this.#kept.get(lan, src)
    if (!kept) return 'decode'
    const seq = routineSeq(kept, data, this.#deps.nodeId)
    if (seq < 0 || kept.clears !== this.#deps.versions.clears) return 'decode'
    // Not newer than the last let in (with a key): a replay, charged to REPLAYS on the full way.
    const last = kept.latest
    if (last && (last.boot !== kept.boot || !newer(seq, last.seq))) return 'decode'
    if (!this.#deps.takesRoutine(kept, seq)) return 'decode'
    // The MAC last: what goes the full way after all has it checked there, once.
    const { drops } = this.#deps
    const end = limits.keys.length > 0 ? signedEnd(data, limits.keys) : 0
    if (typeof end === 'string') {
      drops.count(end, lan, () => `${data.length} bytes from ${formatIPv4(src)}`)
      return 'dropped'
    }
    // As packet-in.ts moves the record on: before the budget is asked, whatever it says.
    if (last) last.seq = seq
    // A bucket swept since (its sender was quiet) is looked up again, as the full way would.
    if (!(limits.limiter.spend(kept.bucket, now) ?? limits.limiter.allow(kept.budget, now))) {
      drops.count('rate-limited', lan, () => `from ${formatIPv4(src)}`)
      return 'dropped'
    }
    this.#deps.takeRoutine(now, kept, seq)
    return 'in'
  }

  /**
   * Keep an INQ the engine took and may take routine ones like (`routine`), to know them by: a
   * copy, since Node may reuse `data`. With a key, its sender's record of INQs must be there.
   */
  keep(lan: number, src: number, data: Buffer, routine: Routine, sender: Sender, limits: Limits): void {
    const shape = shapeOf(Buffer.from(data))
    const { budget, boot, latest } = sender
    const bucket = limits.limiter.bucket(budget)
    if (!shape || !bucket || (limits.keys.length > 0 && !latest)) return
    const { bytes, answerAt, answerEnd, macSize } = shape
    const { peer, epoch, intervalMs, outOfService, down, downOn } = routine
    const clears = this.#deps.versions.clears
    // Written out, not spread: every Kept has the same fields in the same order (one hidden class).
    const k: Kept = {
      bytes,
      answerAt,
      answerEnd,
      macSize,
      peer,
      lan,
      epoch,
      intervalMs,
      outOfService,
      down,
      downOn,
      src,
      budget,
      bucket,
      boot,
      latest,
      clears,
    }
    this.#kept.set(lan, k)
  }

  /** Forget every INQ kept: limits or keys changed, or the records they hold started over. */
  clear(): void {
    this.#kept.clear()
  }
}
