/**
 * Back-off timing, shared by the REST client's retries, the reactive client's stream reconnects and its outbox
 * retries. Every field has a default; tests pass their own `random`.
 */
export interface BackoffOptions {
  /** Ceiling of the first wait, in ms. Default 500. */
  baseMs?: number
  /** Longest wait, in ms. Default 30 000. */
  maxMs?: number
  /** A connection open at least this long counts as healthy: the next failure starts from `baseMs` again. Default 10 000. */
  healthyMs?: number
  /** Randomness in [0, 1). Default `Math.random`. */
  random?: () => number
}

/** The reactive client's defaults; the REST client passes its own `DEFAULT_RETRY` figures. */
export const DEFAULT_BACKOFF = { baseMs: 500, maxMs: 30_000, healthyMs: 10_000 } as const

/**
 * The wait before attempt `attempt` (the first retry is 1): exponential with "full jitter", a random wait in
 * [0, min(maxMs, baseMs · 2^(attempt-1))], so that many clients dropped at once (a relay restart, a Flow.ai
 * outage) spread their retries over the whole window instead of coming back in the same millisecond.
 *
 * @example
 * backoffDelay(3, { baseMs: 500, random: () => 0.5 }) // 1000 (half of 2000)
 * backoffDelay(9, { baseMs: 500, maxMs: 4000, random: () => 1 }) // 4000 (capped)
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? DEFAULT_BACKOFF.baseMs
  const max = options.maxMs ?? DEFAULT_BACKOFF.maxMs
  const random = options.random ?? Math.random
  const ceiling = Math.min(max, base * 2 ** Math.max(0, Math.min(30, attempt - 1)))
  return Math.floor(ceiling * Math.min(1, Math.max(0, random())))
}
