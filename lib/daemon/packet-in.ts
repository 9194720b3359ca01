// Packet ingress: decode (and verify), then rate limit per sender; what passes goes on to the engine, the rest is counted.
//
// The order is what keeps an attacker from spending a peer's budget: junk, forged or unsigned
// packets are rejected by the decoder (a few header checks, then one HMAC) before any bucket is
// charged, so 400 garbage packets a second spoofing a peer's address cost that peer nothing. With
// a key the sender is authenticated and its bucket is its node id; without one, its source address.
import { formatIPv4 } from '../core/util/ipv4.js'
import type { RateLimiter } from '../core/util/rate-limit.js'
import { decode, type Message, type WireKey } from '../core/wire/codec.js'
import type { Logger } from '../host/log.js'
import type { Drops } from './drops.js'

export interface PacketInDeps {
  readonly log: Logger
  readonly drops: Drops
  readonly label: (lan: number) => string
  /** A decoded packet from `src` on `lan`, at `now`. */
  readonly accept: (now: number, lan: number, src: number, msg: Message) => void
}

export class PacketIn {
  readonly #deps: PacketInDeps
  #limiter: RateLimiter
  #keys: readonly WireKey[]
  /** Log a line for every packet (-vv, logPackets). */
  #trace: boolean
  received = 0
  /** Packets that passed the rate limit and decoded: what the drain before judging waits for. */
  accepted = 0

  constructor(deps: PacketInDeps, limiter: RateLimiter, keys: readonly WireKey[], trace: boolean) {
    this.#deps = deps
    this.#limiter = limiter
    this.#keys = keys
    this.#trace = trace
  }

  /** A reload: new rate limit, keys and tracing. */
  configure(limiter: RateLimiter, keys: readonly WireKey[], trace: boolean): void {
    this.#limiter = limiter
    this.#keys = keys
    this.#trace = trace
  }

  receive(now: number, lan: number, src: number, data: Buffer): void {
    this.received++
    const { drops } = this.#deps
    const r = decode(data, this.#keys)
    if (!r.ok) return drops.count(r.code, lan, () => `${data.length} bytes from ${formatIPv4(src)}`)
    const sender = this.#keys.length > 0 ? r.msg.from : src
    if (!this.#limiter.allow(sender, now)) return drops.count('rate-limited', lan, () => `from ${formatIPv4(src)}`)
    this.accepted++
    if (this.#trace) {
      const m = r.msg
      const what = `${m.kind.toUpperCase()} seq ${m.seq} from ${formatIPv4(m.from)} (${formatIPv4(src)})`
      this.#deps.log.debug(`LAN ${this.#deps.label(lan)}: ${what}`)
    }
    this.#deps.accept(now, lan, src, r.msg)
  }
}
