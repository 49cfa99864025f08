import fastifyRateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Redis } from 'ioredis'
import { FlowErrorCode } from '@flowchat/core'
import { httpError } from './http-error.js'

/**
 * A limit: `burst` requests per window of `burst / perSecond` seconds, so the average rate is `perSecond`
 * (`@fastify/rate-limit` counts fixed windows).
 */
export interface RateLimit {
  burst: number
  perSecond: number
}

/** The relay's limits: sends per token and per address, session creation per address. */
export const RateLimitName = {
  sendsPerToken: 'sendsPerToken',
  sendsPerIp: 'sendsPerIp',
  sessionsPerIp: 'sessionsPerIp',
} as const
export type RateLimitName = (typeof RateLimitName)[keyof typeof RateLimitName]

export interface RelayRateLimits {
  /**
   * Counts one request against `name` for `key`. Sets `RateLimit-Limit`, `RateLimit-Remaining` and
   * `RateLimit-Reset` on the answer; past the limit throws 429 `rate_limited` with `Retry-After`.
   */
  take(
    name: RateLimitName,
    request: FastifyRequest,
    reply: FastifyReply,
    key: string,
    message: string,
  ): Promise<void>
}

type Limiter = ReturnType<FastifyInstance['createRateLimit']>

/**
 * Registers `@fastify/rate-limit` once per limit (not on any route: the routes call `take` once they know the key,
 * the caller's token or address). With `redis`, counts live in Redis as `<keyPrefix><limit>:<key>`
 * (`flowchat:ratelimit:sessionsPerIp:203.0.113.7`), so every relay instance on that Redis enforces one limit
 * together; without, in memory (an LRU of at most 50 000 keys per limit).
 *
 * @example
 * const limits = await createRelayRateLimits(app, {
 *   limits: { sendsPerToken: { burst: 20, perSecond: 2 }, sendsPerIp: { burst: 60, perSecond: 10 }, sessionsPerIp: { burst: 20, perSecond: 1 } },
 * })
 * await limits.take('sessionsPerIp', request, reply, request.ip, 'Too many sessions; retry later.')
 */
export async function createRelayRateLimits(
  app: FastifyInstance,
  options: {
    /** Every limit; their defaults are the relay settings' (`--rate-limit-*`, relay-settings.ts). */
    limits: Record<RateLimitName, RateLimit>
    redis?: Redis
    keyPrefix?: string
  },
): Promise<RelayRateLimits> {
  const keys = new WeakMap<FastifyRequest, string>()
  const limiters = new Map<RateLimitName, { limiter: Limiter; limit: RateLimit }>()
  for (const name of Object.values(RateLimitName)) {
    const limit = options.limits[name]
    const windowMs = limit.perSecond > 0 ? Math.ceil((limit.burst / limit.perSecond) * 1000) : 3_600_000
    // One registration per limit, each in a scope of its own, and its limiter made without options: a limiter made
    // with options (`createRateLimit({ max })`) keys its counts by a route's method and URL, which a limiter taken by
    // hand has none of (`ratelimit:undefinedundefined-sessionsPerIp:…` in Redis).
    await app.register(async (scope) => {
      await scope.register(fastifyRateLimit, {
        global: false,
        max: limit.burst,
        timeWindow: windowMs,
        keyGenerator: (request) => keys.get(request) ?? request.ip,
        cache: 50_000,
        // Redis down: let requests through rather than refuse every send (the storage answers for itself).
        skipOnError: true,
        ...(options.redis
          ? { redis: options.redis, nameSpace: `${options.keyPrefix ?? 'flowchat:ratelimit:'}${name}:` }
          : {}),
      })
      limiters.set(name, { limit, limiter: scope.createRateLimit() })
    })
  }

  return {
    async take(name, request, reply, key, message) {
      const entry = limiters.get(name)
      if (!entry) return
      keys.set(request, key)
      const r = await entry.limiter(request)
      if (r.isAllowed) return
      setHeaders(reply, r.max, r.remaining, r.ttlInSeconds)
      if (r.isExceeded) {
        throw httpError(FlowErrorCode.rate_limited, message, {
          retryAfterSeconds: Math.max(1, r.ttlInSeconds),
        })
      }
    },
  }
}

/** IETF draft `RateLimit-*` fields: the limit, what is left in this window, and seconds until it resets. */
function setHeaders(reply: FastifyReply, max: number, remaining: number, reset: number): void {
  void reply
    .header('RateLimit-Limit', String(max))
    .header('RateLimit-Remaining', String(remaining))
    .header('RateLimit-Reset', String(Math.max(0, reset)))
}
