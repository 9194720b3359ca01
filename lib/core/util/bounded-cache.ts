// A Map that forgets everything once it holds `max` entries: a cache of what packets name, bounded without bookkeeping.
//
// Packets name the same few addresses per peer, so a cache serves nearly every one; a flood of
// invented addresses must not grow it, and clearing it all at the bound costs a few misses.

export class BoundedCache<K, V> {
  /** BOUNDED: #max entries, then cleared. */
  readonly #map = new Map<K, V>()
  readonly #max: number

  constructor(max: number) {
    this.#max = max
  }

  get(key: K): V | undefined {
    return this.#map.get(key)
  }

  has(key: K): boolean {
    return this.#map.has(key)
  }

  /** Keep `value` for `key`, first forgetting everything if the cache is full; returns `value`. */
  set(key: K, value: V): V {
    if (this.#map.size >= this.#max) this.#map.clear()
    this.#map.set(key, value)
    return value
  }

  get size(): number {
    return this.#map.size
  }
}
