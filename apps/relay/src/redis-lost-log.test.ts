// What SSE clients of a relay on Redis see when Redis restarts empty (no persistence) under them.
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Relay } from './relay.js'
import { createRedisStorage } from './storage/redis-storage.js'
import { randomPrefix, startPrivateRedis, type PrivateRedis } from './storage/redis-test-support.js'
import { createTestRelay } from './testing/fake-flow.js'
import { openEventSource, until, type Received } from './testing/sse-helpers.js'

const T = 'A|o_1'

const texts = (events: Received[]) =>
  events.map((e) =>
    e.event === 'reset'
      ? 'reset'
      : (e.data.body as { payload: { messages: { fallback: string }[] } }).payload.messages[0]!.fallback,
  )

describe('a relay on Redis that restarts empty', () => {
  let redis: PrivateRedis
  let relay: Relay | undefined
  const closing: (() => void)[] = []
  beforeAll(async () => {
    redis = await startPrivateRedis()
  })
  afterEach(async () => {
    for (const close of closing.splice(0)) close()
    await relay?.close()
    relay = undefined
  })
  afterAll(() => redis?.stop())

  /** A relay on the private Redis, with a thread client and an operator client open on it. */
  async function start(shards: number) {
    const keyPrefix = randomPrefix('lost-log')
    const storage = createRedisStorage({ url: redis.url, keyPrefix, shards, onError: () => undefined })
    const made = await createTestRelay({ storage })
    relay = made.relay
    const base = await relay.listen()
    const webhook = async (text: string) =>
      (
        await fetch(relay!.webhookUrl!, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'message', payload: { threadId: T, messages: [{ fallback: text }] } }),
        })
      ).status
    const open = async (path: string, token: string) => {
      const client = openEventSource(`${base}${path}`, token)
      closing.push(() => client.source.close())
      await client.opened
      return client
    }
    const client = await open(
      `/v1/threads/${encodeURIComponent(T)}/events`,
      await relay.issueToken({ threadId: T }),
    )
    const operator = await open('/v1/events', await relay.issueToken({ operator: 'ops' }))
    const restart = async () => {
      await redis.stop()
      await redis.start()
      await until(() => storage.ready(), 'the storage to answer again')
    }
    return { keyPrefix, webhook, client, operator, restart }
  }

  it('tells a live client to reset when the new ids are below its last one, then streams the new events', async () => {
    const { keyPrefix, webhook, client, restart } = await start(1)
    expect(await webhook('before')).toBe(200)
    // The Redis before the restart ran a minute ahead (a clock stepped back, or the restart is on another host):
    // its ids are above every id the Redis after the restart gives out for a minute.
    const admin = new Redis(redis.url, { maxRetriesPerRequest: 0 })
    admin.on('error', () => undefined)
    const ahead = `${Date.now() + 60_000}-0`
    await admin.xsetid(`${keyPrefix}:{o0}:ops`, ahead)
    await admin.xsetid(`${keyPrefix}:{o0}:thread:${T}`, ahead)
    admin.disconnect()
    expect(await webhook('ahead')).toBe(200)
    await until(() => client.received.length === 2, 'the events before the restart')

    await restart()
    expect(await webhook('after')).toBe(200)
    // Silence here was the defect: the stream skipped every event until the new clock passed the old ids.
    await until(() => client.received.length === 4, 'a reset and the event after the restart')
    expect(await webhook('later')).toBe(200)
    await until(() => client.received.length === 5, 'the next event')
    expect(texts(client.received)).toEqual(['before', 'ahead', 'reset', 'after', 'later'])
    expect(client.received[2]!.data.reason).toEqual(expect.stringContaining('not in the retained log'))
  })

  // The operators' stream over several shards is read and checked through the shard merge, not one stream.
  it.each([1, 3])(
    'tells live thread and operator clients to reset once, then streams on (%i shards)',
    async (shards) => {
      const { webhook, client, operator, restart } = await start(shards)
      expect(await webhook('before')).toBe(200)
      await until(() => client.received.length === 1 && operator.received.length === 1, 'the first event')
      await restart()
      expect(await webhook('after')).toBe(200)
      expect(await webhook('later')).toBe(200)
      for (const [name, stream] of [
        ['thread', client],
        ['operator', operator],
      ] as const) {
        await until(
          () => texts(stream.received).at(-1) === 'later',
          `the ${name} client to get the last event`,
        )
        // Without the reset, a client whose last id went with the old log could skip the new log's lower ids.
        expect(texts(stream.received), name).toEqual(['before', 'reset', 'after', 'later'])
      }
    },
  )
})
