// The operators' stream over three shards, on a three-master Redis Cluster started here and on one Redis: threads
// spread over the shards (and the masters), and `/v1/events` resumes exactly from any id, live and from history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compareEventIds } from './event-id.js'
import { createRedisKeys } from './redis-keys.js'
import { createRedisStorage, type RedisStorageOptions } from './redis-storage.js'
import {
  redisCommand,
  requireRedisBinaries,
  startRedisCluster,
  stopAllRedisServers,
  type RedisClusterGroup,
} from './redis-servers-test-support.js'
import { deleteKeys, randomPrefix, requireRedis, testRedisUrl } from './redis-test-support.js'
import { testEnvelope } from './storage-contract.js'
import type { EventEnvelope, EventStorage, StreamKey } from './types.js'

let cluster: RedisClusterGroup | undefined
const singlePrefixes: string[] = []
beforeAll(async () => {
  await requireRedis(testRedisUrl)
  await requireRedisBinaries()
  cluster = await startRedisCluster()
}, 60_000)
afterAll(async () => {
  await stopAllRedisServers()
  await deleteKeys(testRedisUrl, singlePrefixes)
})

function nodes(): RedisClusterGroup['nodes'] {
  if (!cluster) throw new Error('the Redis Cluster did not start (see beforeAll)')
  return cluster.nodes
}

const threads = Array.from({ length: 24 }, (_, i) => `thread-${i}`)
const texts = (events: EventEnvelope[]) =>
  events.map((e) => (e.body as { payload: { text: string } }).payload.text)

async function until(check: () => boolean, what: () => string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** Everything after `afterId`, page by page, as the SSE route replays it. */
async function history(storage: EventStorage, afterId: string, page = 7): Promise<EventEnvelope[]> {
  const all: EventEnvelope[] = []
  let after = afterId
  for (;;) {
    const read = await storage.read('operators', after, page)
    if (read.reset) throw new Error(`unexpected reset after ${after}: ${read.reason}`)
    all.push(...read.events)
    const last = read.events.at(-1)
    if (!last || read.events.length < page) return all
    after = last.id
  }
}

/**
 * A client reconnecting with `Last-Event-ID`, served as the SSE route serves it: subscribe and hold live events,
 * replay the log after the id, then release held events newer than the last one sent.
 */
function resume(storage: EventStorage, lastEventId: string) {
  const got: EventEnvelope[] = []
  let held: EventEnvelope[] | undefined = []
  let lastSent = lastEventId
  const send = (event: EventEnvelope) => {
    if (compareEventIds(event.id, lastSent) <= 0) return
    lastSent = event.id
    got.push(event)
  }
  const stop = storage.subscribe('operators', (event) => (held ? held.push(event) : send(event)))
  const replayed = history(storage, lastEventId).then((events) => {
    for (const event of events) send(event)
    const pending = held ?? []
    held = undefined
    for (const event of pending) send(event)
  })
  return { got, stop, replayed }
}

const targets: [string, (keyPrefix: string) => RedisStorageOptions][] = [
  ['a three-master cluster', (keyPrefix) => ({ clusterNodes: nodes(), keyPrefix })],
  [
    'one Redis',
    (keyPrefix) => {
      singlePrefixes.push(keyPrefix)
      return { url: testRedisUrl, keyPrefix }
    },
  ],
]

describe.each(targets)('operators’ stream over 3 shards on %s', (_name, target) => {
  it('resumes exactly from ids in the middle, live and from history, while two instances append', async () => {
    const keyPrefix = randomPrefix('shards')
    const open = () => createRedisStorage({ ...target(keyPrefix), shards: 3, onError: () => undefined })
    const [a, b] = [open(), open()]
    const resumers: ReturnType<typeof resume>[] = []
    try {
      // The reference: a subscriber from before the first append sees everything, in one order.
      const reference: EventEnvelope[] = []
      const stopReference = a.subscribe('operators', (event) => reference.push(event))
      const stored: string[] = []
      let sent = 0
      const appendSome = async (count: number) => {
        const batch = Array.from({ length: count }, () => {
          const n = sent++
          const thread = threads[n % threads.length]!
          const storage = n % 2 === 0 ? a : b
          return storage.append({ key: `k${n}`, envelope: testEnvelope(thread, `m${n}`) })
        })
        for (const result of await Promise.all(batch)) stored.push(result.operatorEventId)
      }
      // Answered after the subscription's starting point, which goes first on the same connection: b's appends
      // come after it.
      await a.lastId('operators')
      await appendSome(60)
      await until(
        () => reference.length >= 60,
        () => `the first 60 events (${reference.length})`,
      )
      // Clients come back from ids in the middle while appends go on, on both instances.
      for (const index of [0, 17, 33, 59]) {
        resumers.push(resume(index % 2 === 0 ? a : b, reference[index]!.id))
        await appendSome(20)
      }
      await appendSome(30)
      const total = sent
      await until(
        () => reference.length >= total,
        () => `all ${total} events on the reference (${reference.length})`,
      )
      stopReference()

      // The reference is every stored event once, in id order.
      const ids = reference.map((e) => e.id)
      expect(new Set(ids).size).toBe(total)
      expect([...ids].sort(compareEventIds)).toEqual(ids)
      expect([...stored].sort(compareEventIds)).toEqual(ids)

      // Each resumed client got exactly what followed its id: no gap, no duplicate, same order.
      for (const [i, index] of [0, 17, 33, 59].entries()) {
        const resumer = resumers[i]!
        await resumer.replayed
        const expected = reference.slice(index + 1)
        await until(
          () => resumer.got.length >= expected.length,
          () => `resume from #${index}: ${resumer.got.length} of ${expected.length}`,
        )
        expect(texts(resumer.got)).toEqual(texts(expected))
        expect(resumer.got.map((e) => e.id)).toEqual(expected.map((e) => e.id))
      }

      // From history alone, on either instance, from several ids.
      for (const index of [5, 41, 88, 140]) {
        const expected = reference.slice(index + 1).map((e) => e.id)
        expect((await history(index % 2 ? a : b, reference[index]!.id)).map((e) => e.id)).toEqual(expected)
      }
      expect(await a.lastId('operators')).toBe(ids.at(-1))

      // The threads are spread over the three shards.
      const keys = createRedisKeys(keyPrefix, 3)
      expect(new Set(threads.map((thread) => keys.shardOf(thread)))).toEqual(new Set([0, 1, 2]))
    } finally {
      for (const resumer of resumers) resumer.stop()
      await Promise.all([a.close(), b.close()])
    }
  }, 60_000)

  it('answers reset when the id is older than what some shard retains', async () => {
    const keyPrefix = randomPrefix('shards')
    const storage = createRedisStorage({
      ...target(keyPrefix),
      shards: 3,
      operatorsMaxEvents: 4,
      onError: () => undefined,
    })
    try {
      const first = await storage.append({ key: 'first', envelope: testEnvelope('thread-0', 'first') })
      const keys = createRedisKeys(keyPrefix, 3)
      const other = threads.find((thread) => keys.shardOf(thread) !== keys.shardOf('thread-0'))!
      // The first event's own shard keeps it, but another shard trims events that came after it.
      for (let i = 0; i < 6; i++) {
        await storage.append({ key: `o${i}`, envelope: testEnvelope(other, String(i)) })
      }
      const read = await storage.read('operators', first.operatorEventId, 100)
      expect(read.reset).toBe(true)
      // Trimmed in its own shard, too.
      for (let i = 0; i < 6; i++) {
        await storage.append({ key: `t${i}`, envelope: testEnvelope('thread-0', String(i)) })
      }
      expect((await storage.read('operators', first.operatorEventId, 100)).reset).toBe(true)
      // A recent id still resumes.
      const last = await storage.lastId('operators')
      expect(await storage.read('operators', last!, 100)).toEqual({ reset: false, events: [] })
      const thread: StreamKey = { thread: 'thread-0' }
      expect((await storage.read(thread, first.threadEventId!, 100)).reset).toBe(false)
    } finally {
      await storage.close()
    }
  })
})

describe('operators’ shards on a cluster', () => {
  it('puts the threads of different shards on different masters', async () => {
    const keyPrefix = randomPrefix('shards')
    const storage = createRedisStorage({
      clusterNodes: nodes(),
      keyPrefix,
      shards: 3,
      onError: () => undefined,
    })
    try {
      for (const thread of threads) {
        await storage.append({ key: thread, envelope: testEnvelope(thread, thread) })
      }
      const keys = createRedisKeys(keyPrefix, 3)
      const owners = new Set<number>()
      for (const thread of threads) {
        // Only the master that owns the key's slot answers for it; the others answer MOVED.
        const answers = await Promise.all(
          nodes().map(({ port }) =>
            redisCommand(port, 'EXISTS', keys.thread(thread)).then(
              (exists) => (exists === 1 ? port : undefined),
              () => undefined,
            ),
          ),
        )
        const owner = answers.filter((port) => port !== undefined)
        expect(owner).toHaveLength(1)
        owners.add(owner[0]!)
      }
      // With the default slot split of `redis-cli --cluster create`, {o0}, {o1} and {o2} fall on three masters.
      const slots = await Promise.all(
        [0, 1, 2].map((shard) => redisCommand(nodes()[0]!.port, 'CLUSTER', 'KEYSLOT', keys.operators(shard))),
      )
      expect(new Set(slots).size).toBe(3)
      expect(owners.size).toBe(3)
    } finally {
      await storage.close()
    }
  })

  it('rejects a shard count it cannot use, naming the option', () => {
    for (const shards of [0, -1, 1.5, 1025, Number.NaN]) {
      expect(() => createRedisStorage({ url: testRedisUrl, shards })).toThrow(
        'redis storage: shards: must be an integer from 1 to 1024',
      )
    }
  })
})
