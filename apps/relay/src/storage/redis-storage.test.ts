import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createRedisStorage, type RedisStorageOptions } from './redis-storage.js'
import {
  deleteKeys,
  randomPrefix,
  requireRedis,
  startPrivateRedis,
  testRedisUrl,
  type PrivateRedis,
} from './redis-test-support.js'
import { clusterSlot } from './redis-slot.js'
import { describeStorageContract, testEnvelope } from './storage-contract.js'
import type { EventEnvelope, EventStorage } from './types.js'

const prefixes: string[] = []

beforeAll(() => requireRedis(testRedisUrl))
afterAll(() => deleteKeys(testRedisUrl, prefixes))

function prefix(): string {
  const p = randomPrefix('storage')
  prefixes.push(p)
  return p
}

describeStorageContract(
  'redis',
  (retention) =>
    createRedisStorage({ url: testRedisUrl, keyPrefix: prefix(), ...retention, onError: () => undefined }),
  // Delivery goes through Redis on a machine other suites load too: wait longer than in memory.
  { deliveryTimeoutMs: 15_000 },
)

// Three operators' shards on one server: the shards live side by side, and `/v1/events` reads them merged.
describeStorageContract(
  "redis, 3 operators' shards",
  (retention) =>
    createRedisStorage({
      url: testRedisUrl,
      keyPrefix: prefix(),
      shards: 3,
      ...retention,
      onError: () => undefined,
    }),
  { deliveryTimeoutMs: 15_000 },
)

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

const texts = (events: EventEnvelope[]) =>
  events.map((e) => (e.body as { payload: { text: string } }).payload.text)

describe('redis storage', () => {
  const opened: EventStorage[] = []
  const admin = new Redis(testRedisUrl)
  const open = (options: Partial<RedisStorageOptions> & { keyPrefix: string }) => {
    const storage = createRedisStorage({ url: testRedisUrl, onError: () => undefined, ...options })
    opened.push(storage)
    return storage
  }
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()))
  })
  afterAll(() => admin.quit())

  /** Kills the connection named `name` (only ours: other suites may share this Redis). */
  async function killClient(name: string): Promise<void> {
    const clients = (await admin.client('LIST')) as string
    const line = clients.split('\n').find((l) => l.includes(` name=${name} `))
    const id = /(?:^|\s)id=(\d+)/.exec(line ?? '')?.[1]
    if (id === undefined) throw new Error(`no Redis connection named ${name}`)
    await admin.client('KILL', 'ID', id)
  }

  it('lays out one stream per thread, one operators stream and dedupe keys, all expiring, in one hash slot', async () => {
    const keyPrefix = prefix()
    const s = open({ keyPrefix, maxAgeMs: 60_000 })
    const r = await s.append({ key: 'delivery-1', envelope: testEnvelope('t|1', 'hi') })
    expect(await admin.xlen(`${keyPrefix}:{o0}:thread:t|1`)).toBe(1)
    expect(await admin.xlen(`${keyPrefix}:{o0}:ops`)).toBe(1)
    expect(await admin.get(`${keyPrefix}:{o0}:dedupe:delivery-1`)).toBe(
      `${r.threadEventId} ${r.operatorEventId}`,
    )
    const slots = new Set<number>()
    for (const key of ['thread:t|1', 'ops', 'dedupe:delivery-1']) {
      expect(await admin.pttl(`${keyPrefix}:{o0}:${key}`)).toBeGreaterThan(0)
      slots.add(clusterSlot(`${keyPrefix}:{o0}:${key}`))
    }
    expect(slots.size).toBe(1)
  })

  it("keeps a thread's sends under way in one key of its slot, expiring with its newest mark", async () => {
    const keyPrefix = prefix()
    const s = open({ keyPrefix })
    await s.markSendUnderWay!('t|1', 'send-1', 30_000)
    const key = `${keyPrefix}:{o0}:under-way:t|1`
    expect(await admin.zrange(key, '0', '-1')).toEqual(['send-1'])
    expect(clusterSlot(key)).toBe(clusterSlot(`${keyPrefix}:{o0}:thread:t|1`))
    const ttl = await admin.pttl(key)
    expect(ttl).toBeGreaterThan(25_000)
    expect(ttl).toBeLessThanOrEqual(30_000)
    // A shorter mark does not shorten the key's life; the last clear removes the key.
    await s.markSendUnderWay!('t|1', 'send-2', 1_000)
    expect(await admin.pttl(key)).toBeGreaterThan(25_000)
    await s.clearSendUnderWay!('t|1', 'send-1')
    await s.clearSendUnderWay!('t|1', 'send-2')
    expect(await admin.exists(key)).toBe(0)
    // A mark nobody clears (its instance died) leaves no key behind.
    await s.markSendUnderWay!('t|1', 'crashed', 50)
    expect(await admin.exists(key)).toBe(1)
    const deadline = Date.now() + 10_000
    while ((await admin.exists(key)) === 1) {
      if (Date.now() > deadline) throw new Error('the key of an expired mark is still there')
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  })

  it("puts a thread's sends under way in its own shard's slot", async () => {
    const keyPrefix = prefix()
    const s = open({ keyPrefix, shards: 3 })
    const threads = ['t1', 't2', 't3', 't4', 't5', 't6']
    for (const thread of threads) await s.markSendUnderWay!(thread, 'send', 30_000)
    const found = await admin.keys(`${keyPrefix}:*:under-way:*`)
    expect(found).toHaveLength(threads.length)
    await Promise.all(threads.map((thread) => s.append({ key: thread, envelope: testEnvelope(thread) })))
    for (const key of found) {
      const thread = key.slice(key.lastIndexOf(':') + 1)
      expect(key.slice(0, key.indexOf('}') + 1)).toMatch(new RegExp(`^${keyPrefix}:\\{o\\d`))
      const [stream] = await admin.keys(`${keyPrefix}:*:thread:${thread}`)
      expect(clusterSlot(key)).toBe(clusterSlot(stream!))
    }
    expect(new Set(found.map(clusterSlot)).size).toBeGreaterThan(1)
  })

  it('names the option that is wrong', () => {
    expect(() => createRedisStorage({ url: testRedisUrl, keyPrefix: 'a{b}' })).toThrow(/keyPrefix/)
    expect(() => createRedisStorage({ sentinels: [{ host: '127.0.0.1', port: 1 }] })).toThrow(/masterName/)
    expect(() => createRedisStorage({})).toThrow(/url: required/)
    expect(() => createRedisStorage({ url: 'http://x' })).toThrow(/url: must start with redis/)
    expect(() => createRedisStorage({ url: testRedisUrl, minReplicas: -1 })).toThrow(/minReplicas/)
    expect(() => createRedisStorage({ url: testRedisUrl, minReplicas: 1, replicaWaitMs: 5_000 })).toThrow(
      /replicaWaitMs: must be shorter than commandTimeoutMs/,
    )
    expect(() => createRedisStorage({ clusterNodes: [{ host: 'h', port: 70_000 }] })).toThrow(
      /clusterNodes: port/,
    )
  })

  it('stores a webhook delivered to two instances at once only once', async () => {
    const keyPrefix = prefix()
    const [a, b] = [open({ keyPrefix }), open({ keyPrefix })]
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? a : b).append({ key: 'same', envelope: testEnvelope('t1', 'x') }),
      ),
    )
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1)
    expect(new Set(results.map((r) => `${r.threadEventId} ${r.operatorEventId}`)).size).toBe(1)
    expect(await admin.xlen(`${keyPrefix}:{o0}:thread:t1`)).toBe(1)
  })

  it('delivers events appended on one instance to subscribers on another, with each stream its own ids', async () => {
    const keyPrefix = prefix()
    const [a, b] = [open({ keyPrefix }), open({ keyPrefix })]
    const t1: EventEnvelope[] = []
    const t2: EventEnvelope[] = []
    const ops: EventEnvelope[] = []
    b.subscribe({ thread: 't1' }, (e) => t1.push(e))
    b.subscribe({ thread: 't2' }, (e) => t2.push(e))
    b.subscribe('operators', (e) => ops.push(e))
    // Let B's live tail start before appending: subscribers see what is appended from now on.
    await b.lastId('operators')
    const appended = []
    for (let i = 0; i < 20; i++) {
      const thread = i % 3 === 0 ? 't2' : 't1'
      appended.push({
        thread,
        ...(await a.append({ key: `k${i}`, envelope: testEnvelope(thread, String(i)) })),
      })
    }
    await until(() => ops.length === 20, 'the operators stream on B')
    expect(t1.map((e) => e.id)).toEqual(appended.filter((x) => x.thread === 't1').map((x) => x.threadEventId))
    expect(t2.map((e) => e.id)).toEqual(appended.filter((x) => x.thread === 't2').map((x) => x.threadEventId))
    expect(ops.map((e) => e.id)).toEqual(appended.map((x) => x.operatorEventId))
    expect(texts(ops)).toEqual(Array.from({ length: 20 }, (_, i) => String(i)))
  })

  it('hands every subscriber of a stream the same envelope, and stops offering a thread once its last one left', async () => {
    const keyPrefix = prefix()
    const s = open({ keyPrefix })
    const x: EventEnvelope[] = []
    const y: EventEnvelope[] = []
    const other: EventEnvelope[] = []
    s.subscribe({ thread: 't1' }, (e) => x.push(e))
    const stopY = s.subscribe({ thread: 't1' }, (e) => y.push(e))
    const stopOther = s.subscribe({ thread: 't2' }, (e) => other.push(e))
    await s.lastId('operators')
    await s.append({ key: 'one', envelope: testEnvelope('t1', 'one') })
    await until(() => x.length === 1 && y.length === 1, 'both subscribers of t1')
    expect(y[0]).toBe(x[0])
    expect(texts(x)).toEqual(['one'])
    stopY()
    stopOther()
    await s.append({ key: 'two', envelope: testEnvelope('t2', 'two') })
    await s.append({ key: 'three', envelope: testEnvelope('t1', 'three') })
    await until(() => x.length === 2, 'the next t1 event')
    expect([texts(x), y.length, other.length]).toEqual([['one', 'three'], 1, 0])
  })

  it('does not hand a new subscriber events appended before it subscribed, while the tail is running', async () => {
    const keyPrefix = prefix()
    const s = open({ keyPrefix })
    const early: EventEnvelope[] = []
    s.subscribe({ thread: 't1' }, (e) => early.push(e))
    const late: EventEnvelope[] = []
    for (let i = 0; i < 30; i++) {
      await s.append({ key: `before${i}`, envelope: testEnvelope('t1', `before${i}`) })
    }
    s.subscribe({ thread: 't1' }, (e) => late.push(e))
    await s.append({ key: 'after', envelope: testEnvelope('t1', 'after') })
    await until(() => early.length === 31, 'every event on the first subscriber')
    await until(() => late.length === 1, 'the event after subscribing')
    expect(texts(late)).toEqual(['after'])
  })

  it('feeds any number of thread subscribers from one blocking connection per instance', async () => {
    const keyPrefix = prefix()
    const s = open({ keyPrefix })
    const seen = new Map<string, number>()
    for (let i = 0; i < 50; i++) {
      s.subscribe({ thread: `t${i}` }, () => seen.set(`t${i}`, (seen.get(`t${i}`) ?? 0) + 1))
    }
    for (let i = 0; i < 50; i++) await s.append({ key: `k${i}`, envelope: testEnvelope(`t${i}`) })
    await until(() => seen.size === 50, 'one event per thread')
    const clients = (await admin.client('LIST')) as string
    const tails = clients.split('\n').filter((line) => line.includes(` name=${keyPrefix}-relay-tail `))
    expect(tails).toHaveLength(1)
  })

  it('resumes its live tail from the last id it saw when its connection is killed', async () => {
    const keyPrefix = prefix()
    const [a, b] = [open({ keyPrefix }), open({ keyPrefix })]
    const seen: EventEnvelope[] = []
    a.subscribe({ thread: 't1' }, (e) => seen.push(e))
    // "From now on" is when A's Redis answers; a command on A after subscribing waits for that.
    await a.lastId('operators')
    await b.append({ key: 'first', envelope: testEnvelope('t1', 'first') })
    await until(() => seen.length === 1, 'the first event')
    await killClient(`${keyPrefix}-relay-tail`)
    for (let i = 0; i < 10; i++) await b.append({ key: `k${i}`, envelope: testEnvelope('t1', String(i)) })
    await until(() => seen.length === 11, 'every event after the disconnect')
    expect(texts(seen)).toEqual(['first', ...Array.from({ length: 10 }, (_, i) => String(i))])
  })

  it('catches thread subscribers up from their thread streams when the operators stream was trimmed past its tail', async () => {
    const keyPrefix = prefix()
    const small = { keyPrefix, operatorsMaxEvents: 5 }
    const [a, b] = [open(small), open(small)]
    const seen: EventEnvelope[] = []
    a.subscribe({ thread: 't1' }, (e) => seen.push(e))
    await a.lastId('operators')
    const first = await b.append({ key: 'first', envelope: testEnvelope('t1', 'first') })
    await until(() => seen.length === 1, 'the first event')
    await killClient(`${keyPrefix}-relay-tail`)
    // Twenty events while A's tail reconnects: the operators stream keeps five, so A's cursor is trimmed.
    const ids = [first.threadEventId]
    for (let i = 0; i < 20; i++) {
      ids.push((await b.append({ key: `k${i}`, envelope: testEnvelope('t1', String(i)) })).threadEventId)
    }
    expect(await admin.xlen(`${keyPrefix}:{o0}:ops`)).toBe(5)
    await until(() => seen.length === 21, 'every event after the gap')
    expect(seen.map((e) => e.id)).toEqual(ids)
  })

  it('answers reset for a malformed id, and honours limit 0', async () => {
    const s = open({ keyPrefix: prefix() })
    const a = await s.append({ key: 'a', envelope: testEnvelope('t1') })
    await s.append({ key: 'b', envelope: testEnvelope('t1') })
    expect((await s.read({ thread: 't1' }, 'not-an-id', 10)).reset).toBe(true)
    expect(await s.read({ thread: 't1' }, a.threadEventId!, 0)).toEqual({ reset: false, events: [] })
  })
})

describe('redis storage while Redis is down', () => {
  let redis: PrivateRedis
  const opened: EventStorage[] = []
  beforeAll(async () => {
    redis = await startPrivateRedis()
  })
  afterAll(async () => {
    await Promise.all(opened.map((s) => s.close()))
    await redis?.stop()
  })

  /** Until both storages answer again after a restart. */
  async function back(...storages: EventStorage[]): Promise<void> {
    const deadline = Date.now() + 10_000
    for (;;) {
      const answers = await Promise.all(storages.map((s) => s.ready()))
      if (answers.every(Boolean)) return
      if (Date.now() > deadline) throw new Error('timed out waiting for Redis to answer again')
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  it('rejects appends and reports not ready, keeps subscriptions, and resumes when Redis is back', async () => {
    const keyPrefix = prefix()
    const s = createRedisStorage({ url: redis.url, keyPrefix, onError: () => undefined })
    const other = createRedisStorage({ url: redis.url, keyPrefix, onError: () => undefined })
    opened.push(s, other)
    const seen: EventEnvelope[] = []
    s.subscribe({ thread: 't1' }, (e) => seen.push(e))
    const before = await s.append({ key: 'before', envelope: testEnvelope('t1', 'before') })
    await until(() => seen.length === 1, 'the event before the outage')
    expect(await s.ready()).toBe(true)

    await redis.stop()
    await expect(s.append({ key: 'during', envelope: testEnvelope('t1', 'during') })).rejects.toThrow()
    expect(await s.ready()).toBe(false)
    await expect(s.read({ thread: 't1' }, before.threadEventId!, 10)).rejects.toThrow()

    await redis.start()
    await back(s, other)
    // Appended by another instance: the first one's live tail has reconnected by itself.
    await other.append({ key: 'during', envelope: testEnvelope('t1', 'after') })
    await until(() => seen.length === 2, 'the event after the outage')
    expect(texts(seen)).toEqual(['before', 'after'])
    // Redis came back empty (no persistence): a client resuming from before the outage must refetch.
    expect((await s.read({ thread: 't1' }, before.threadEventId!, 10)).reset).toBe(true)
  })

  it('delivers to subscribers that came during the outage and after it, while the tail from before runs on', async () => {
    const keyPrefix = prefix()
    const s = createRedisStorage({ url: redis.url, keyPrefix, onError: () => undefined })
    const other = createRedisStorage({ url: redis.url, keyPrefix, onError: () => undefined })
    opened.push(s, other)
    const early: EventEnvelope[] = []
    // Resets by subscriber: only one that got an event of the log Redis lost has anything to refetch.
    const resets: string[] = []
    s.subscribe(
      { thread: 'early' },
      (e) => early.push(e),
      () => resets.push('early'),
    )
    await s.lastId('operators')
    await other.append({ key: 'before', envelope: testEnvelope('early', 'before') })
    await until(() => early.length === 1, 'the event before the outage')

    await redis.stop()
    // Its starting point cannot be read from Redis now: it starts from the clock.
    const during: EventEnvelope[] = []
    s.subscribe(
      { thread: 'during' },
      (e) => during.push(e),
      () => resets.push('during'),
    )
    await expect(s.lastId({ thread: 'during' })).rejects.toThrow()
    await redis.start()
    await back(s, other)
    const after: EventEnvelope[] = []
    s.subscribe(
      { thread: 'after' },
      (e) => after.push(e),
      () => resets.push('after'),
    )
    // Its starting point is read before anything appended below.
    await s.lastId('operators')
    for (const thread of ['early', 'during', 'after']) {
      await other.append({ key: thread, envelope: testEnvelope(thread, 'after') })
    }
    await until(() => early.length === 2 && during.length === 1 && after.length === 1, 'every event after it')
    expect([early, during, after].map(texts)).toEqual([['before', 'after'], ['after'], ['after']])
    expect(resets).toEqual(['early'])
  })

  it('delivers to a new subscriber when Redis restarted empty and its new ids are below those the tail saw', async () => {
    const keyPrefix = prefix()
    const s = createRedisStorage({ url: redis.url, keyPrefix, onError: () => undefined })
    const other = createRedisStorage({ url: redis.url, keyPrefix, onError: () => undefined })
    opened.push(s, other)
    const admin = new Redis(redis.url, { maxRetriesPerRequest: 0 })
    admin.on('error', () => undefined)
    const early: EventEnvelope[] = []
    s.subscribe({ thread: 'early' }, (e) => early.push(e))
    await s.lastId('operators')
    await other.append({ key: 'first', envelope: testEnvelope('early', 'first') })
    // The Redis before the restart ran a minute ahead (a clock stepped back, or a restart on another host): its
    // ids are above every id the Redis after the restart gives out for a minute.
    await admin.xsetid(`${keyPrefix}:{o0}:ops`, `${Date.now() + 60_000}-0`)
    await other.append({ key: 'ahead', envelope: testEnvelope('early', 'ahead') })
    await until(() => early.length === 2, "the events before the outage, the tail's cursor a minute ahead")
    admin.disconnect()

    await redis.stop()
    await redis.start()
    await back(s, other)
    // The tail is back and blocked in its XREAD: whatever it did on coming back is done before anyone new subscribes.
    const watcher = new Redis(redis.url, { maxRetriesPerRequest: 0 })
    watcher.on('error', () => undefined)
    try {
      const tailName = ` name=${keyPrefix}-relay-tail `
      const deadline = Date.now() + 10_000
      for (;;) {
        const clients = String(await watcher.client('LIST').catch(() => ''))
        const tail = clients.split('\n').find((line) => line.includes(tailName))
        if (tail?.includes(' cmd=xread')) break
        if (Date.now() > deadline) throw new Error('timed out waiting for the tail to block in XREAD again')
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    } finally {
      watcher.disconnect()
    }
    const after: EventEnvelope[] = []
    s.subscribe({ thread: 'after' }, (e) => after.push(e))
    await s.lastId('operators')
    await other.append({ key: 'after', envelope: testEnvelope('after', 'after') })
    await until(() => after.length === 1, 'the event appended after the restart')
    expect(texts(after)).toEqual(['after'])
    // A client resuming from before the restart is told to refetch.
    const reopened = await s.read({ thread: 'early' }, early[1]!.id, 10)
    expect(reopened.reset).toBe(true)
  })
})
