/** Summary of a sample of durations (ms) or other values. */
export interface Summary {
  count: number
  min: number
  p50: number
  p99: number
  max: number
  mean: number
}

/**
 * The nearest-rank percentile of an ascending-sorted sample: the smallest value with at least `p` % of the
 * sample at or below it. Nearest rank never interpolates, so every reported figure was actually observed.
 *
 * @example
 * percentile([1, 2, 3, 4], 50) // 2
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`)
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, rank) - 1]!
}

/**
 * Count, min, p50, p99, max and mean of a sample (any order; the input is not modified).
 *
 * @example
 * summarize([3, 1, 2]).p50 // 2
 */
export function summarize(values: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(values).sort()
  let sum = 0
  for (const v of sorted) sum += v
  return {
    count: sorted.length,
    min: sorted.length ? sorted[0]! : Number.NaN,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
  }
}

/**
 * Median of `runs` timings of `fn` (ms), after `warmup` untimed calls: the median resists the one run that a GC
 * pause or the other core's work lands on.
 *
 * @example
 * const ms = medianTime(() => fold(events), { runs: 7 })
 */
export function medianTime(fn: () => unknown, { runs = 7, warmup = 2 } = {}): number {
  for (let i = 0; i < warmup; i++) fn()
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    fn()
    times.push(performance.now() - start)
  }
  return percentile(
    times.sort((a, b) => a - b),
    50,
  )
}

/** Rounds for display: 3 significant digits below 100, whole numbers above. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value
  if (Math.abs(value) >= 100) return Math.round(value)
  return Number(value.toPrecision(3))
}

/**
 * The least-squares slope of `ys` over `xs` (NaN with fewer than two distinct xs): a trend that one noisy sample at
 * either end cannot make up, as the difference of the first and last would.
 *
 * @example
 * slope([0, 1, 2], [10, 12, 14]) // 2
 */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = Math.min(xs.length, ys.length)
  if (n < 2) return Number.NaN
  let mx = 0
  let my = 0
  for (let i = 0; i < n; i++) {
    mx += xs[i]! / n
    my += ys[i]! / n
  }
  let sxy = 0
  let sxx = 0
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my)
    sxx += (xs[i]! - mx) ** 2
  }
  return sxx === 0 ? Number.NaN : sxy / sxx
}
