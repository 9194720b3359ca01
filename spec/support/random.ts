// Deterministic numbers for specs that draw random histories: the same seed gives the same run every time.

/** Numbers in [0, 1) from `seed`, the same sequence every run. */
export function random(seed: number): () => number {
  let x = seed
  return () => {
    x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) | 0
    return (x >>> 0) / 2 ** 32
  }
}
