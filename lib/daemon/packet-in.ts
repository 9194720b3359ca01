// Packet ingress: decode either wire version (and verify), pair LANs, then rate limit per sender; what passes goes on to the engine, the rest is counted.
//
// The order is what keeps an attacker from spending a peer's budget: junk, forged or unsigned
// packets are rejected by the decoder (a few header checks, then one HMAC) before any bucket is
// charged, so 400 garbage packets a second spoofing a peer's address cost that peer nothing. With
// a key the sender is authenticated and its bucket is its node id; without one, its source address.
// A signed packet replayed (no newer than the last one let in from that sender, kind and LAN) is
// charged to one bucket all replays share: captured packets replayed at 400/s cannot spend the
// peer's budget either.
//
// A routine INQ, the same as the last one its sender sent on that LAN but for its number and
// whom it asks (at scale, nearly every datagram), is known by its bytes and taken without being
// decoded (#routine): its MAC checked, its replay record and bucket spent, then the engine's
// takeRoutine() (core/engine/routine.ts). Whatever that cannot vouch for goes the full way, so
// both end in the same state.
import { newer } from '../core/engine/admit.js'
import type { Routine } from '../core/engine/engine.js'
import { type OwnLan, toLocal } from '../core/engine/pairing.js'
import { type LinkHandles, withHandles } from '../core/link-handles.js'
import { formatIPv4 } from '../core/util/ipv4.js'
import { formatIPv6, type IPv6 } from '../core/util/ipv6.js'
import type { Bucket, RateLimiter } from '../core/util/rate-limit.js'
import { decode } from '../core/wire/codec.js'
import type { Message, WireKey } from '../core/wire/message.js'
import type { PacketResult } from '../core/wire/packet.js'
import { type InqShape, routineSeq, shapeOf } from '../core/wire/routine-inq.js'
import { decodePacket, fromV1 } from '../core/wire/v1-bridge.js'
import { signedEnd } from '../core/wire/v2.js'
import type { Logger } from '../host/log.js'
import type { Drops } from './drops.js'
import { RoutineSlots } from './routine-slots.js'
import type { WireVersions } from './wire-versions.js'

/** The rate limiter's key for replayed signed packets: above every node id and address (u32s). */
const REPLAYS = 2 ** 32 + 1
/** Senders, kinds and LANs whose latest sequence number is kept; beyond it the record starts over. */
const MAX_LATEST = 4096

export interface PacketInDeps {
  readonly log: Logger
  readonly drops: Drops
  readonly label: (lan: number) => string
  /** This host's LANs, to pair a sender's with. */
  readonly own: readonly OwnLan[]
  readonly versions: WireVersions
  /** 1: read only wire format 1, as faild 0.1 does (config wireVersion); 2: either. */
  readonly wireVersion: () => 1 | 2
  /** The handles of hosts on IPv6-only LANs (core/link-handles.ts); absent: this host has none. */
  readonly handles?: LinkHandles
  /** A decoded packet from `src` on `lan`, at `now`; returns what routine INQs like it are taken against, if they may be. */
  readonly accept: (now: number, lan: number, src: number, msg: Message) => Routine | undefined
  /** Whether `r`'s INQ again, numbered `seq`, may be taken undecoded (Engine.takesRoutine). */
  readonly takesRoutine: (r: Routine, seq: number) => boolean
  /** Take it, as accept() would have (Engine.takeRoutine). */
  readonly takeRoutine: (now: number, r: Routine, seq: number) => void
  /** This host's node id: an INQ that asks it for an answer is decoded. */
  readonly nodeId: number
}

/** With a key, the newest (boot, seq) let in from one sender, kind and LAN; moved on in place. */
interface Latest {
  boot: number
  seq: number
}

/**
 * An INQ kept to know routine ones by: its shape (bytes), what the engine takes them against
 * (Routine), and what they spend. One object, not three: at scale each is a cache miss per packet.
 */
interface Kept extends InqShape, Routine {
  readonly src: number
  /** The rate limiter's key for its sender (see #bucket), and the bucket it had when kept. */
  readonly budget: number
  readonly bucket: Bucket
  readonly boot: number
  /** With a key: its sender's record of INQs on this LAN. */
  readonly latest: Latest | undefined
  /** WireVersions.clears when it was kept: the sender is on its record of v2 senders while that holds. */
  readonly clears: number
}

export class PacketIn {
  readonly #deps: PacketInDeps
  #limiter: RateLimiter
  #keys: readonly WireKey[]
  /** Log a line for every packet (-vv, logPackets). */
  #trace: boolean
  /** With a key, the newest (boot, seq) let in per sender, kind and LAN. BOUNDED: MAX_LATEST. */
  readonly #latest = new Map<string, Latest>()
  /** By LAN and source address, the INQ routine ones are known by. BOUNDED: routine-slots.ts. */
  readonly #kept: RoutineSlots<Kept>
  /** The first peer heard claiming a service address without a key was logged (once a run: see services.ts). */
  #claimSeen = false
  received = 0
  /** Packets that passed the rate limit and decoded: what the drain before judging waits for. */
  accepted = 0

  constructor(deps: PacketInDeps, limiter: RateLimiter, keys: readonly WireKey[], trace: boolean) {
    this.#deps = deps
    this.#limiter = limiter
    this.#keys = keys
    this.#trace = trace
    this.#kept = new RoutineSlots((lan) => deps.own[lan]?.prefixLen ?? 32)
  }

  /** A reload: new rate limit, keys and tracing. */
  configure(limiter: RateLimiter, keys: readonly WireKey[], trace: boolean): void {
    this.#limiter = limiter
    this.#keys = keys
    this.#trace = trace
    this.#kept.clear()
  }

  /** A datagram from `src` on `lan`; on an IPv6-only LAN `src` is 0 and `src6` the link-local source. */
  receive(now: number, lan: number, src: number, data: Buffer, src6?: IPv6): void {
    this.received++
    if (src6 === undefined && this.#routine(now, lan, src, data)) return
    const { drops } = this.#deps
    const from = () => (src6 ? formatIPv6(src6) : formatIPv4(src))
    const r = this.#deps.wireVersion() === 1 ? v1Only(data, this.#keys) : decodePacket(data, this.#keys)
    if (!r.ok) return drops.count(r.code, lan, () => `${data.length} bytes from ${from()}`)
    if (this.#deps.versions.copy(now, lan, r.packet)) return
    // Its size bounds what an unconfirmed sender gets back (no reflection, #11).
    const paired = toLocal(r.packet, this.#deps.own, data.length)
    if (!paired.ok) return drops.count(paired.reason, lan, () => `from ${from()}`)
    let msg = paired.msg
    if (src6) {
      const h = this.#deps.handles ? withHandles(msg, lan, src6, this.#deps.handles) : 'spoofed-source'
      if (typeof h === 'string') return drops.count(h, lan, () => `from ${from()}`)
      src = h.src
      msg = h.msg
    }
    const bucket = this.#bucket(src, msg)
    if (!this.#limiter.allow(bucket, now)) return drops.count('rate-limited', lan, () => `from ${from()}`)
    this.accepted++
    if (this.#trace) {
      const m = msg
      const what = `${m.kind.toUpperCase()} seq ${m.seq} from ${formatIPv4(m.from)} (${from()})`
      this.#deps.log.debug(`LAN ${this.#deps.label(lan)}: ${what}`)
    }
    if (msg.services?.length && this.#keys.length === 0 && !this.#claimSeen) this.#unfollowed(lan, msg)
    const routine = this.#deps.accept(now, lan, src, msg)
    // A replay let in spent the bucket all replays share: its sender's next INQs must not.
    if (routine && !src6 && !this.#trace && bucket !== REPLAYS) this.#keep(lan, src, data, msg, bucket, routine)
  }

  /** The INQ kept for `src` on `lan` again, routine, taken without decoding it; false: decode it. */
  #routine(now: number, lan: number, src: number, data: Buffer): boolean {
    const kept = this.#kept.get(lan, src)
    if (!kept || this.#trace || this.#deps.wireVersion() !== 2) return false
    const seq = routineSeq(kept, data, this.#deps.nodeId)
    if (seq < 0 || kept.clears !== this.#deps.versions.clears) return false
    // Not newer than the last let in (with a key): a replay, charged to REPLAYS on the full path.
    const last = kept.latest
    if (last && (last.boot !== kept.boot || !newer(seq, last.seq))) return false
    if (!this.#deps.takesRoutine(kept, seq)) return false
    // The MAC last: what goes the full way after all has it checked there, once.
    const { drops } = this.#deps
    const end = this.#keys.length > 0 ? signedEnd(data, this.#keys) : 0
    if (typeof end === 'string') {
      drops.count(end, lan, () => `${data.length} bytes from ${formatIPv4(src)}`)
      return true
    }
    // As #bucket moves the record on: before the budget is asked, whatever it says.
    if (kept.latest) kept.latest.seq = seq
    // A bucket swept since (its sender was quiet) is looked up again, as the full way would.
    if (!(this.#limiter.spend(kept.bucket, now) ?? this.#limiter.allow(kept.budget, now))) {
      drops.count('rate-limited', lan, () => `from ${formatIPv4(src)}`)
      return true
    }
    this.accepted++
    this.#deps.takeRoutine(now, kept, seq)
    return true
  }

  /** Keep an INQ the engine took and may take routine ones like, to know them by (a copy: Node may reuse `data`). */
  #keep(lan: number, src: number, data: Buffer, msg: Message, budget: number, routine: Routine): void {
    const shape = shapeOf(Buffer.from(data))
    const bucket = this.#limiter.bucket(budget)
    const latest = this.#keys.length > 0 ? this.#latest.get(latestKey(msg)) : undefined
    if (!shape || !bucket || (this.#keys.length > 0 && !latest)) return
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
      boot: msg.boot,
      latest,
      clears,
    }
    this.#kept.set(lan, k)
  }

  #unfollowed(lan: number, msg: Message): void {
    this.#claimSeen = true
    const s = msg.services?.[0]
    const what = s ? `${formatIPv4(s.address)} on LAN ${this.#deps.label(s.lan)}` : 'a service address'
    this.#deps.log.warn(
      `peer ${formatIPv4(msg.from)} (LAN ${this.#deps.label(lan)}) says it holds ${what}: not routed without ` +
        '--key-file, since anyone on a LAN could claim any address (logged once)',
    )
  }

  /** Whose budget a decoded packet spends: its source without a key; with one, its node id, or REPLAYS. */
  #bucket(src: number, m: Message): number {
    if (this.#keys.length === 0) return src
    const at = latestKey(m)
    const last = this.#latest.get(at)
    // Serial order (RFC 1982): a sequence that wraps past 2^32 is still newer.
    if (last && (m.boot < last.boot || (m.boot === last.boot && !newer(m.seq, last.seq)))) return REPLAYS
    if (last) {
      last.boot = m.boot
      last.seq = m.seq
      return m.from
    }
    if (this.#latest.size >= MAX_LATEST) {
      this.#latest.clear()
      // What is kept holds records no longer on it.
      this.#kept.clear()
    }
    this.#latest.set(at, { boot: m.boot, seq: m.seq })
    return m.from
  }
}

/** Where #latest keeps a sender's newest (boot, seq) for one kind and LAN. */
const latestKey = (m: Message): string => `${m.from}:${m.kind}:${m.lan}`

/** What faild 0.1 reads: v1 only (a v2 packet is ERR_BAD_VERSION). */
function v1Only(data: Buffer, keys: readonly WireKey[]): PacketResult {
  const r = decode(data, keys)
  return r.ok ? { ok: true, packet: fromV1(r.msg) } : r
}
