/** A burst and a steady rate: a bucket of `burst` tokens refilled at `perSecond`. */
export interface RateLimit {
  burst: number
  perSecond: number
}

export interface RateLimiter {
  /** Takes one token for `key`: allowed, or how many seconds until one is available. */
  take(key: string): { allowed: true } | { allowed: false; retryAfterSeconds: number }
}

/**
 * Token buckets per key, in memory. Keys whose bucket is full again are forgotten, and at most `maxKeys` are
 * kept (oldest first out), so a flood of distinct clients cannot grow memory without bound.
 *
 * @example
 * const limiter = createRateLimiter({ burst: 10, perSecond: 1 })
 * const r = limiter.take(request.ip)
 * if (!r.allowed) reply.header('Retry-After', r.retryAfterSeconds).code(429)
 */
export function createRateLimiter(
  limit: RateLimit,
  options: { maxKeys?: number; now?: () => number } = {},
): RateLimiter {
  const maxKeys = options.maxKeys ?? 50_000
  const now = options.now ?? Date.now
  const buckets = new Map<string, { tokens: number; at: number }>()

  function refill(bucket: { tokens: number; at: number }, t: number): void {
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((t - bucket.at) / 1000) * limit.perSecond)
    bucket.at = t
  }

  return {
    take(key) {
      const t = now()
      let bucket = buckets.get(key)
      if (bucket) {
        refill(bucket, t)
        buckets.delete(key) // re-inserted below: the map's order is least recently used first
      } else {
        bucket = { tokens: limit.burst, at: t }
        for (const [k, b] of buckets) {
          if (buckets.size < maxKeys) break
          refill(b, t)
          buckets.delete(k)
        }
      }
      buckets.set(key, bucket)
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1
        return { allowed: true }
      }
      const wait = limit.perSecond > 0 ? (1 - bucket.tokens) / limit.perSecond : 3600
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(wait)) }
    },
  }
}
