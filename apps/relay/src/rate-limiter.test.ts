import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Relay } from './relay.js'
import { deleteKeys, randomPrefix, requireRedis, testRedisUrl } from './storage/redis-test-support.js'
import { createTestRelay } from './testing/fake-flow.js'

const session = (relay: Relay) => relay.app.inject({ method: 'POST', url: '/v1/sessions', payload: {} })

describe('rate limits (@fastify/rate-limit)', () => {
  const relays: Relay[] = []
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.close()))
  })

  it('answer RateLimit-* headers, then 429 with Retry-After in the error shape', async () => {
    const { relay } = await createTestRelay({ rateLimit: { sessionsPerIp: { burst: 2, perSecond: 0.01 } } })
    relays.push(relay)
    const first = await session(relay)
    expect(first.statusCode).toBe(201)
    expect(first.headers['ratelimit-limit']).toBe('2')
    expect(first.headers['ratelimit-remaining']).toBe('1')
    expect(Number(first.headers['ratelimit-reset'])).toBeGreaterThan(0)
    expect((await session(relay)).headers['ratelimit-remaining']).toBe('0')
    const refused = await session(relay)
    expect(refused.statusCode).toBe(429)
    expect(refused.json().error.code).toBe('rate_limited')
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    expect(refused.headers['ratelimit-remaining']).toBe('0')
  })

  it('keep each limit apart: sends per token do not use up session creation', async () => {
    const { relay } = await createTestRelay({
      rateLimit: {
        sendsPerToken: { burst: 1, perSecond: 0.01 },
        sessionsPerIp: { burst: 5, perSecond: 0.01 },
      },
    })
    relays.push(relay)
    const { threadId, token } = (await session(relay)).json<{ threadId: string; token: string }>()
    const send = () =>
      relay.app.inject({
        method: 'POST',
        url: `/v1/threads/${encodeURIComponent(threadId)}/messages`,
        headers: { authorization: `Bearer ${token}` },
        payload: { type: 'text', text: 'hi' },
      })
    expect((await send()).statusCode).toBe(202)
    expect((await send()).statusCode).toBe(429)
    expect((await session(relay)).statusCode).toBe(201)
  })

  describe('on Redis', () => {
    const prefixes: string[] = []
    beforeAll(() => requireRedis(testRedisUrl))
    afterAll(() => deleteKeys(testRedisUrl, prefixes))

    it('two relay instances on one Redis enforce one limit, not one each', async () => {
      const prefix = `${randomPrefix('ratelimit')}:`
      prefixes.push(prefix)
      const options = {
        redis: testRedisUrl,
        redisKeyPrefix: prefix,
        rateLimit: { sessionsPerIp: { burst: 3, perSecond: 0.01 } },
      }
      const a = (await createTestRelay(options)).relay
      const b = (await createTestRelay(options)).relay
      relays.push(a, b)
      const codes = []
      for (const relay of [a, b, a, b, a, b]) codes.push((await session(relay)).statusCode)
      // In memory each instance would allow 3: six 201s.
      expect(codes).toEqual([201, 201, 201, 429, 429, 429])
      const redis = new Redis(testRedisUrl)
      try {
        expect((await redis.keys(`${prefix}*`)).length).toBeGreaterThan(0)
      } finally {
        redis.disconnect()
      }
    })

    it("keeps each count under <prefix>ratelimit:<limit>:<key>, without a route's method and URL", async () => {
      const prefix = `${randomPrefix('ratelimit')}:`
      prefixes.push(prefix)
      const { relay } = await createTestRelay({ redis: testRedisUrl, redisKeyPrefix: prefix })
      relays.push(relay)
      const { threadId, token } = (await session(relay)).json<{ threadId: string; token: string }>()
      const sent = await relay.app.inject({
        method: 'POST',
        url: `/v1/threads/${encodeURIComponent(threadId)}/messages`,
        headers: { authorization: `Bearer ${token}` },
        payload: { type: 'text', text: 'hi' },
      })
      expect(sent.statusCode).toBe(202)
      const redis = new Redis(testRedisUrl)
      try {
        const keys = (await redis.keys(`${prefix}ratelimit:*`)).toSorted()
        // inject's requests come from 127.0.0.1; a visitor's sends are counted by their thread.
        expect(keys).toEqual([
          `${prefix}ratelimit:sendsPerIp:127.0.0.1`,
          `${prefix}ratelimit:sendsPerToken:thread:${threadId}`,
          `${prefix}ratelimit:sessionsPerIp:127.0.0.1`,
        ])
        expect(await redis.get(`${prefix}ratelimit:sessionsPerIp:127.0.0.1`)).toBe('1')
      } finally {
        redis.disconnect()
      }
    })

    it('accepts a Redis client of the caller and leaves it open', async () => {
      const prefix = `${randomPrefix('ratelimit')}:`
      prefixes.push(prefix)
      const redis = new Redis(testRedisUrl)
      try {
        const { relay } = await createTestRelay({
          redis,
          redisKeyPrefix: prefix,
          rateLimit: { sessionsPerIp: { burst: 1, perSecond: 0.01 } },
        })
        expect((await session(relay)).statusCode).toBe(201)
        expect((await session(relay)).statusCode).toBe(429)
        await relay.close()
        expect(await redis.ping()).toBe('PONG')
      } finally {
        redis.disconnect()
      }
    })
  })
})
