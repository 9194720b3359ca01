// Summary statistics for bench samples: min, median, p95, max.

export interface Summary {
  readonly n: number
  readonly min: number
  readonly median: number
  readonly p95: number
  readonly max: number
}

/** Nearest-rank percentiles over the finite samples; NaN fields when there are none. */
export function summarize(samples: readonly number[]): Summary {
  const xs = samples.filter(Number.isFinite).sort((a, b) => a - b)
  const rank = (p: number) => xs[Math.min(xs.length - 1, Math.max(0, Math.ceil(p * xs.length) - 1))] ?? NaN
  return { n: xs.length, min: xs[0] ?? NaN, median: rank(0.5), p95: rank(0.95), max: xs[xs.length - 1] ?? NaN }
}

export const ms = (x: number): string => (Number.isFinite(x) ? `${Math.round(x)}` : '-')
