import { once } from 'node:events'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  closeRedisConnection,
  createRedisConnection,
  whenReady,
  type RedisClient,
} from './redis-connection.js'
import { requireRedis, testRedisUrl } from './redis-test-support.js'
import { until } from '../testing/sse-helpers.js'

describe('a Redis connection of the relay', () => {
  beforeAll(() => requireRedis(testRedisUrl))

  function connect(errors: Error[]): RedisClient {
    return createRedisConnection({
      target: { url: testRedisUrl },
      name: 'flowchat-test-connection',
      commandTimeoutMs: 1_000,
      onError: (error) => errors.push(error),
    })
  }

  // ioredis sent `SELECT NaN` for `/abc` and threw the refusal where nothing could catch it: the process crashed.
  it('refuses a URL whose path is not a database number, before connecting', () => {
    for (const path of ['/abc', '/1x', '/0/1']) {
      expect(() =>
        createRedisConnection({
          target: { url: `redis://:a-password@127.0.0.1:6379${path}` },
          name: 'flowchat-test-connection',
          commandTimeoutMs: 1_000,
          onError: () => undefined,
        }),
      ).toThrow('redis storage: url: the path after the host must be a database number')
    }
  })

  // ioredis ends a connection for good in races of its own (a Sentinel failover noticed while it reconnects); an
  // instance whose live tail lost its connection that way stopped delivering events until it was restarted.
  it('connects again when it ends without the relay closing it', async () => {
    const errors: Error[] = []
    const redis = connect(errors)
    await whenReady(redis, 2_000)
    const ended = once(redis, 'end')
    redis.disconnect()
    await ended
    await until(() => redis.status === 'ready', 'the connection to be ready again')
    expect(await redis.ping()).toBe('PONG')
    expect(errors.map((error) => error.message)).toContain(
      'redis storage: ioredis closed the connection flowchat-test-connection; connecting again',
    )
    await closeRedisConnection(redis)
  })

  it('stays closed when the relay closes it, quietly', async () => {
    for (const graceful of [false, true]) {
      const errors: Error[] = []
      const redis = connect(errors)
      await whenReady(redis, 2_000)
      let connecting = false
      redis.on('connecting', () => (connecting = true))
      const ended = once(redis, 'end')
      await closeRedisConnection(redis, { graceful })
      await ended
      // A connection ended without the relay asking connects again 100 ms later: none starts in three times that.
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(connecting).toBe(false)
      expect(redis.status).toBe('end')
      expect(errors).toEqual([])
    }
  })
})
