/** Reconnect timing. Every field has a default; tests pass their own `random`. */
export interface BackoffOptions {
  /** First wait, in ms. Default 500. */
  baseMs?: number
  /** Longest wait, in ms. Default 30 000. */
  maxMs?: number
  /** A connection open at least this long counts as healthy: the next failure starts from `baseMs` again. Default 10 000. */
  healthyMs?: number
  /** Randomness in [0, 1). Default `Math.random`. */
  random?: () => number
}

export const DEFAULT_BACKOFF = { baseMs: 500, maxMs: 30_000, healthyMs: 10_000 } as const

/**
 * The wait before reconnect attempt `attempt` (from 1): exponential, capped, with "equal jitter" (half fixed, half
 * random) so that many clients dropped at once by a relay restart do not come back in the same millisecond.
 *
 * @example
 * backoffDelay(3, { baseMs: 500, random: () => 0 }) // 1000 (half of 2000)
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? DEFAULT_BACKOFF.baseMs
  const max = options.maxMs ?? DEFAULT_BACKOFF.maxMs
  const random = options.random ?? Math.random
  const exp = Math.min(max, base * 2 ** Math.max(0, Math.min(30, attempt - 1)))
  return Math.round(exp / 2 + (exp / 2) * random())
}
