import type { IncomingMessage } from 'node:http'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Relay } from './relay.js'
import { deleteKeys, randomPrefix, requireRedis, testRedisUrl } from './storage/redis-test-support.js'
import type { OpenEventStream } from './event-stream.js'
import { createStreamRegistry, type StreamSlot } from './stream-registry.js'
import { createTestRelay } from './testing/fake-flow.js'
import { rawStream } from './testing/sse-helpers.js'

/** Polls an async condition (no fixed sleeps): the check decides when the wait is over. */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

describe('stream caps', () => {
  it('in memory: per token and per address, and a slot is freed once', async () => {
    const registry = createStreamRegistry({ perToken: 1, perIp: 2 })
    const slot = await registry.reserve('thread:a', '1.1.1.1')
    await expect(registry.reserve('thread:a', '1.1.1.1')).rejects.toMatchObject({ code: 'rate_limited' })
    await registry.reserve('thread:b', '1.1.1.1')
    await expect(registry.reserve('thread:c', '1.1.1.1')).rejects.toMatchObject({ code: 'rate_limited' })
    slot.release()
    slot.release()
    await registry.reserve('thread:a', '1.1.1.1')
    await expect(registry.reserve('thread:d', '1.1.1.1')).rejects.toMatchObject({ code: 'rate_limited' })
  })

  it('holds the streams of its slots until they are released, and ends them all', async () => {
    const registry = createStreamRegistry({ perToken: 5, perIp: 5 })
    const ended: number[] = []
    const stream = (slot: StreamSlot): OpenEventStream => {
      let resolve!: () => void
      const closed = new Promise<void>((r) => (resolve = r))
      return {
        closed,
        end(retryMs) {
          ended.push(retryMs)
          slot.release()
          resolve()
        },
      }
    }
    const a = await registry.reserve('thread:a', '1.1.1.1')
    const b = await registry.reserve('thread:b', '1.1.1.1')
    a.hold(stream(a))
    b.hold(stream(b))
    expect(registry.size).toBe(2)
    b.release()
    expect(registry.size).toBe(1)
    // A released slot holds nothing, even when asked to.
    b.hold(stream(b))
    expect(registry.size).toBe(1)
    await registry.endAll(500)
    expect(ended).toEqual([500])
    expect(registry.size).toBe(0)
    await registry.reserve('thread:a', '1.1.1.1')
  })

  describe('shared through Redis', () => {
    const prefixes: string[] = []
    const relays: Relay[] = []
    const open: IncomingMessage[] = []
    beforeAll(() => requireRedis(testRedisUrl))
    afterEach(async () => {
      for (const res of open.splice(0)) res.destroy()
      await Promise.all(relays.splice(0).map((r) => r.close()))
    })
    afterAll(() => deleteKeys(testRedisUrl, prefixes))

    it('two relay instances enforce one cap per token, and a closed stream frees its slot for both', async () => {
      const prefix = `${randomPrefix('streams')}:`
      prefixes.push(prefix)
      const options = { redis: testRedisUrl, redisKeyPrefix: prefix, maxStreamsPerToken: 2 }
      const made = await createTestRelay(options)
      const a = made.relay
      // Instances of one deployment share their secrets: a token from one is good on the other.
      const b = (await createTestRelay({ ...options, ...made.secrets })).relay
      relays.push(a, b)
      const [urlA, urlB] = [await a.listen(), await b.listen()]
      const token = await a.issueToken({ threadId: 't1' })
      const stream = async (base: string, t: string) => {
        const res = await rawStream(`${base}/v1/threads/t1/events`, { authorization: `Bearer ${t}` })
        open.push(res)
        return res
      }
      const first = await stream(urlA, token)
      const second = await stream(urlB, token)
      const third = await stream(urlB, token)
      const fourth = await stream(urlA, token)
      // In memory each instance would allow 2: four streams.
      expect([first.statusCode, second.statusCode, third.statusCode, fourth.statusCode]).toEqual([
        200, 200, 429, 429,
      ])
      third.resume()
      fourth.resume()
      first.destroy()
      const redis = new Redis(testRedisUrl)
      try {
        const [key] = await redis.keys(`${prefix}streams:token:*`)
        expect(key).toBeDefined()
        await eventually(
          async () => (await redis.zcard(key as string)) === 1,
          'the closed stream to free its slot',
        )
      } finally {
        redis.disconnect()
      }
      expect((await stream(urlB, token)).statusCode).toBe(200)
    })
  })
})
