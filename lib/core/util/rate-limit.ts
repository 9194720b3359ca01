// A token bucket per source address, so one host flooding a LAN cannot starve faild's timers.
//
// Pure: time comes in as `now`. Memory is bounded: at most `maxSources` buckets; when full, the
// buckets that have refilled completely (sources that went quiet) are dropped first, and a new
// source beyond that shares one overflow bucket with every other unknown source.

export interface RateLimitConfig {
  /** Packets per second a source may send on average. */
  readonly rate: number
  /** Packets it may send at once. */
  readonly burst: number
  readonly maxSources: number
}

import { mapKey } from './map-key.js'

/** One source's bucket; dropped once swept, so that a holder of it (spend) knows to look it up again. */
export interface Bucket {
  tokens: number
  at: number
  dropped?: true
}

/** The overflow bucket's key: above every u32, so no source's (see keyOf). */
const OVERFLOW = 2 ** 32

/** A source's bucket key: a u32 as mapKey() makes it; a caller's own key above 2^32 as it is. */
const keyOf = (src: number): number => (src < 2 ** 32 ? mapKey(src) : src)

export class RateLimiter {
  readonly #cfg: RateLimitConfig
  readonly #buckets = new Map<number, Bucket>() // keyed by keyOf(source); BOUNDED: maxSources + 1
  #sweptAt = -Infinity

  constructor(cfg: RateLimitConfig) {
    this.#cfg = cfg
  }

  get sources(): number {
    return this.#buckets.size
  }

  /** Whether a packet from `src` may be processed now; false: drop it. O(1) amortised. */
  allow(src: number, now: number): boolean {
    let b = this.#buckets.get(keyOf(src))
    if (!b) {
      if (this.#buckets.size >= this.#cfg.maxSources) this.#sweep(now)
      const key = this.#buckets.size >= this.#cfg.maxSources ? OVERFLOW : keyOf(src)
      b = this.#buckets.get(key)
      if (!b) this.#buckets.set(key, (b = { tokens: this.#cfg.burst, at: now }))
    }
    return this.#take(b, now)
  }

  /** The bucket `src` spends from, if it has one of its own: spent from again by spend(), without a lookup. */
  bucket(src: number): Bucket | undefined {
    return this.#buckets.get(keyOf(src))
  }

  /** allow() for the source of a bucket from bucket(); undefined if the bucket was dropped since (then ask allow()). */
  spend(b: Bucket, now: number): boolean | undefined {
    return b.dropped ? undefined : this.#take(b, now)
  }

  #take(b: Bucket, now: number): boolean {
    b.tokens = Math.min(this.#cfg.burst, b.tokens + ((now - b.at) / 1000) * this.#cfg.rate)
    b.at = now
    if (b.tokens < 1) return false
    b.tokens -= 1
    return true
  }

  /** Forget sources whose bucket is full again: they have been quiet for burst / rate seconds. */
  #sweep(now: number): void {
    const quiet = (this.#cfg.burst / this.#cfg.rate) * 1000
    // A flood of invented sources would sweep on every packet: at most four sweeps per quiet time.
    if (now - this.#sweptAt < quiet / 4) return
    this.#sweptAt = now
    for (const [src, b] of this.#buckets) {
      if (now - b.at < quiet) continue
      b.dropped = true
      this.#buckets.delete(src)
    }
  }
}
