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
// decoded (routine-in.ts); whatever that cannot vouch for goes the full way.
import { newer } from '../core/engine/admit.js'
import type { Routine } from '../core/engine/engine.js'
import { type OwnLan, toLocal } from '../core/engine/pairing.js'
import { type LinkHandles, withHandles } from '../core/link-handles.js'
import { formatIPv4 } from '../core/util/ipv4.js'
import { formatIPv6, type IPv6 } from '../core/util/ipv6.js'
import type { RateLimiter } from '../core/util/rate-limit.js'
import { decode } from '../core/wire/codec.js'
import type { Message, WireKey } from '../core/wire/message.js'
import type { PacketResult } from '../core/wire/packet.js'
import { decodePacket, fromV1 } from '../core/wire/v1-bridge.js'
import type { Logger } from '../host/log.js'
import { type Latest, type Limits, RoutineIn, type RoutineInDeps } from './routine-in.js'

/** The rate limiter's key for replayed signed packets: above every node id and address (u32s). */
const REPLAYS = 2 ** 32 + 1
/** Peers whose latest sequence numbers are kept, at least: the record holds maxPeers' if that is more. */
const MIN_LATEST_PEERS = 2048

export interface PacketInDeps extends Omit<RoutineInDeps, 'prefixLen'> {
  readonly log: Logger
  readonly label: (lan: number) => string
  /** This host's LANs, to pair a sender's with. */
  readonly own: readonly OwnLan[]
  /** 1: read only wire format 1, as faild 0.1 does (config wireVersion); 2: either. */
  readonly wireVersion: () => 1 | 2
  /** The handles of hosts on IPv6-only LANs (core/link-handles.ts); absent: this host has none. */
  readonly handles?: LinkHandles
  /** Peers the engine keeps at most (config maxPeers, which a reload may change): the replay record holds theirs before it starts over. */
  readonly maxPeers: () => number
  /** A decoded packet from `src` on `lan`, at `now`; returns what routine INQs like it are taken against, if they may be. */
  readonly accept: (now: number, lan: number, src: number, msg: Message) => Routine | undefined
}

export class PacketIn {
  readonly #deps: PacketInDeps
  #limits: Limits
  /** Log a line for every packet (-vv, logPackets). */
  #trace: boolean
  /** With a key, the newest (boot, seq) let in per sender, kind and LAN. BOUNDED: #maxLatest(). */
  readonly #latest = new Map<string, Latest>()
  /** The routine INQs of each sender and LAN, taken undecoded. */
  readonly #routine: RoutineIn
  /** The first peer heard claiming a service address without a key was logged (once a run: see services.ts). */
  #claimSeen = false
  received = 0
  /** Packets that passed the rate limit and decoded: what the drain before judging waits for. */
  accepted = 0

  constructor(deps: PacketInDeps, limiter: RateLimiter, keys: readonly WireKey[], trace: boolean) {
    this.#deps = deps
    this.#limits = { limiter, keys }
    this.#trace = trace
    this.#routine = new RoutineIn({ ...deps, prefixLen: (lan) => deps.own[lan]?.prefixLen ?? 32 })
  }

  /** A reload: new rate limit, keys and tracing. */
  configure(limiter: RateLimiter, keys: readonly WireKey[], trace: boolean): void {
    this.#limits = { limiter, keys }
    this.#trace = trace
    this.#routine.clear()
  }

  /** A datagram from `src` on `lan`; on an IPv6-only LAN `src` is 0 and `src6` the link-local source. */
  receive(now: number, lan: number, src: number, data: Buffer, src6?: IPv6): void {
    this.received++
    const version = this.#deps.wireVersion()
    if (src6 === undefined && !this.#trace && version === 2) {
      const taken = this.#routine.take(now, lan, src, data, this.#limits)
      if (taken === 'in') this.accepted++
      if (taken !== 'decode') return
    }
    const { drops } = this.#deps
    const { keys, limiter } = this.#limits
    const from = () => (src6 ? formatIPv6(src6) : formatIPv4(src))
    const r = version === 1 ? v1Only(data, keys) : decodePacket(data, keys)
    if (!r.ok) return drops.count(r.code, lan, () => `${data.length} bytes from ${from()}`)
    // Our own broadcast looped back (a v1 copy sent to the subnet's broadcast address comes back on
    // the socket bound there, which keeps no record of echoes): never a v1 host heard.
    if (r.packet.from === this.#deps.nodeId && src !== 0 && src === this.#deps.own[lan]?.address)
      return drops.count('looped-back', lan, () => `${data.length} bytes`)
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
    // An ACK for another host is the engine's to drop, but before its sender's replay record or
    // budget moves: its sequence number counts the other requestor's rounds, so one replayed here
    // would pass for new and make the sender's next ACKs to us look replayed.
    if (msg.kind === 'ack' && msg.to !== this.#deps.nodeId)
      return drops.count('not-for-us', lan, () => `from ${from()}`)
    const bucket = this.#bucket(src, msg)
    if (r.packet.version === 2 && bucket !== REPLAYS) this.#deps.versions.heard(r.packet)
    if (!limiter.allow(bucket, now)) return drops.count('rate-limited', lan, () => `from ${from()}`)
    this.accepted++
    if (this.#trace) {
      const m = msg
      const what = `${m.kind.toUpperCase()} seq ${m.seq} from ${formatIPv4(m.from)} (${from()})`
      this.#deps.log.debug(`LAN ${this.#deps.label(lan)}: ${what}`)
    }
    if (msg.services?.length && keys.length === 0 && !this.#claimSeen) this.#unfollowed(lan, msg)
    const routine = this.#deps.accept(now, lan, src, msg)
    // A replay let in spent the bucket all replays share: its sender's next INQs must not.
    if (routine && !src6 && !this.#trace && bucket !== REPLAYS) {
      const latest = keys.length > 0 ? this.#latest.get(latestKey(msg)) : undefined
      this.#routine.keep(lan, src, data, routine, { budget: bucket, boot: msg.boot, latest }, this.#limits)
    }
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

  /**
   * An INQ and an ACK record per LAN for every peer faild keeps: started over any sooner, the
   * record would be wiped again and again at scale, and each wipe lets replays pass for new once.
   */
  #maxLatest(): number {
    return 2 * this.#deps.own.length * Math.max(MIN_LATEST_PEERS, this.#deps.maxPeers())
  }

  /** Whose budget a decoded packet spends: its source without a key; with one, its node id, or REPLAYS. */
  #bucket(src: number, m: Message): number {
    if (this.#limits.keys.length === 0) return src
    const at = latestKey(m)
    const last = this.#latest.get(at)
    // Serial order (RFC 1982): a sequence that wraps past 2^32 is still newer.
    if (last && (m.boot < last.boot || (m.boot === last.boot && !newer(m.seq, last.seq)))) return REPLAYS
    if (last) {
      last.boot = m.boot
      last.seq = m.seq
      return m.from
    }
    if (this.#latest.size >= this.#maxLatest()) {
      this.#latest.clear()
      // What is kept holds records no longer on it.
      this.#routine.clear()
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
