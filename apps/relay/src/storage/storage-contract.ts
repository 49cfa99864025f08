/**
 * The behaviour every `EventStorage` backend must have, as a Vitest suite. A library, not a test file: each
 * backend's own test calls it (`memory-storage.test.ts`, the Redis backend's test).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { compareEventIds } from './event-id.js'
import type { EventEnvelope, EventStorage, RetentionOptions, StreamKey } from './types.js'

/**
 * Makes a fresh, empty storage, isolated from every other one the suite makes (a Redis backend uses a new key
 * prefix each call). The suite closes it after each test.
 */
export type MakeStorage = (retention: RetentionOptions) => Promise<EventStorage> | EventStorage

export interface StorageContractOptions {
  /** Retention given to `make` by tests that do not test retention. Default 1000 events, one hour. */
  retention?: RetentionOptions
  /** maxAgeMs of the age-retention test; the test waits three times this long. Default 50. */
  ageMs?: number
  /** Longest wait for a subscriber to see an event (backends that deliver through a server). Default 5000. */
  deliveryTimeoutMs?: number
}

type Envelope = Omit<EventEnvelope, 'id'>

/** A webhook-like envelope for `threadId` (null: a project event). */
export function testEnvelope(threadId: string | null, text = 'hello'): Envelope {
  return {
    threadId,
    kind: threadId === null ? 'threads' : 'reply',
    type: threadId === null ? 'threads' : 'message',
    receivedAt: new Date().toISOString(),
    source: 'webhook',
    body: { type: 'message', payload: { threadId, text } },
  }
}

async function until(check: () => boolean, timeoutMs: number, what: string | (() => string)): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

/** The storage's three send methods, which every backend of this repository has (they are optional to others). */
function sendsUnderWay(s: EventStorage) {
  const mark = s.markSendUnderWay?.bind(s)
  const clear = s.clearSendUnderWay?.bind(s)
  const count = s.countSendsUnderWay?.bind(s)
  if (!mark || !clear || !count) throw new Error('the storage has no methods for sends under way')
  return { mark, clear, count }
}

const texts = (events: EventEnvelope[]) =>
  events.map((e) => (e.body as { payload: { text: string } }).payload.text)

/**
 * Registers the contract suite for one backend.
 *
 * @example
 * describeStorageContract('memory', (retention) => createMemoryStorage(retention))
 */
export function describeStorageContract(
  name: string,
  make: MakeStorage,
  options: StorageContractOptions = {},
): void {
  const retention = options.retention ?? { maxEvents: 1000, maxAgeMs: 3_600_000 }
  const ageMs = options.ageMs ?? 50
  const deliveryTimeoutMs = options.deliveryTimeoutMs ?? 5000

  describe(`EventStorage contract: ${name}`, () => {
    const opened: EventStorage[] = []
    const open = async (r: RetentionOptions = retention): Promise<EventStorage> => {
      const storage = await make(r)
      opened.push(storage)
      return storage
    }
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close().catch(() => undefined)))
    })

    it('appends to the thread stream and the operators stream, and reads back after an id', async () => {
      const s = await open()
      const first = await s.append({ key: 'k1', envelope: testEnvelope('t1', 'one') })
      expect(first.duplicate).toBe(false)
      expect(first.threadEventId).toMatch(/^\d+-\d+$/)
      expect(first.operatorEventId).toMatch(/^\d+-\d+$/)
      await s.append({ key: 'k2', envelope: testEnvelope('t1', 'two') })
      await s.append({ key: 'k3', envelope: testEnvelope('t1', 'three') })
      const after = await s.read({ thread: 't1' }, first.threadEventId!, 100)
      expect(after.reset).toBe(false)
      if (after.reset) return
      expect(texts(after.events)).toEqual(['two', 'three'])
      expect(after.events[0]!.threadId).toBe('t1')
      expect(after.events[0]!.kind).toBe('reply')
      const ops = await s.read('operators', first.operatorEventId, 100)
      expect(ops.reset === false && texts(ops.events)).toEqual(['two', 'three'])
    })

    it('honours the read limit, oldest first', async () => {
      const s = await open()
      const first = await s.append({ key: 'a', envelope: testEnvelope('t1', '0') })
      for (let i = 1; i <= 5; i++) await s.append({ key: `k${i}`, envelope: testEnvelope('t1', String(i)) })
      const r = await s.read({ thread: 't1' }, first.threadEventId!, 2)
      expect(r.reset === false && texts(r.events)).toEqual(['1', '2'])
    })

    it('stores a key once, also when duplicates are appended concurrently', async () => {
      const s = await open()
      const base = await s.append({ key: 'base', envelope: testEnvelope('t1', 'base') })
      const results = await Promise.all(
        Array.from({ length: 8 }, () => s.append({ key: 'same', envelope: testEnvelope('t1', 'dup') })),
      )
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1)
      const stored = results.find((r) => !r.duplicate)!
      for (const r of results) expect(r.threadEventId).toBe(stored.threadEventId)
      const again = await s.append({ key: 'same', envelope: testEnvelope('t1', 'dup') })
      expect(again.duplicate).toBe(true)
      const r = await s.read({ thread: 't1' }, base.threadEventId!, 100)
      expect(r.reset === false && texts(r.events)).toEqual(['dup'])
      const ops = await s.read('operators', base.operatorEventId, 100)
      expect(ops.reset === false && ops.events).toHaveLength(1)
    })

    it('gives ids that increase numerically within a stream', async () => {
      const s = await open()
      const ids: string[] = []
      for (let i = 0; i < 50; i++) {
        const r = await s.append({ key: `k${i}`, envelope: testEnvelope('t1', String(i)) })
        ids.push(r.threadEventId!)
      }
      for (let i = 1; i < ids.length; i++) expect(compareEventIds(ids[i]!, ids[i - 1]!)).toBeGreaterThan(0)
      expect(await s.lastId({ thread: 't1' })).toBe(ids.at(-1))
    })

    it('keeps each thread apart and lastId per stream', async () => {
      const s = await open()
      const a = await s.append({ key: 'a', envelope: testEnvelope('ta', 'a') })
      const b = await s.append({ key: 'b', envelope: testEnvelope('tb', 'b') })
      expect(await s.lastId({ thread: 'ta' })).toBe(a.threadEventId)
      expect(await s.lastId({ thread: 'tb' })).toBe(b.threadEventId)
      expect(await s.lastId({ thread: 'none' })).toBeUndefined()
      const r = await s.read({ thread: 'ta' }, a.threadEventId!, 100)
      expect(r.reset === false && r.events).toEqual([])
      expect(await s.lastId('operators')).toBe(b.operatorEventId)
    })

    it('stores project events (threadId null) only in the operators stream', async () => {
      const s = await open()
      const start = await s.append({ key: 'start', envelope: testEnvelope('t1', 'start') })
      const p = await s.append({ key: 'p', envelope: testEnvelope(null, 'project') })
      expect(p.threadEventId).toBeUndefined()
      const ops = await s.read('operators', start.operatorEventId, 100)
      expect(ops.reset === false && ops.events.map((e) => e.threadId)).toEqual([null])
      const thread = await s.read({ thread: 't1' }, start.threadEventId!, 100)
      expect(thread.reset === false && thread.events).toEqual([])
    })

    it('answers reset for an id it does not hold', async () => {
      const s = await open()
      const a = await s.append({ key: 'a', envelope: testEnvelope('t1') })
      expect(a.threadEventId).toBeDefined()
      for (const unknown of ['1-0', '99999999999999-0']) {
        const r = await s.read({ thread: 't1' }, unknown, 10)
        expect(r.reset).toBe(true)
        if (r.reset) expect(r.reason).toEqual(expect.any(String))
      }
      expect((await s.read({ thread: 'never' }, '5-0', 10)).reset).toBe(true)
    })

    it('retains the newest maxEvents per stream and answers reset for a trimmed id', async () => {
      const s = await open({ maxEvents: 3, maxAgeMs: 3_600_000 })
      const ids: string[] = []
      for (let i = 0; i < 6; i++) {
        ids.push((await s.append({ key: `k${i}`, envelope: testEnvelope('t1', String(i)) })).threadEventId!)
      }
      expect((await s.read({ thread: 't1' }, ids[0]!, 100)).reset).toBe(true)
      expect((await s.read({ thread: 't1' }, ids[2]!, 100)).reset).toBe(true)
      const kept = await s.read({ thread: 't1' }, ids[3]!, 100)
      expect(kept.reset === false && texts(kept.events)).toEqual(['4', '5'])
    })

    it('drops events older than maxAgeMs', async () => {
      const s = await open({ maxEvents: 1000, maxAgeMs: ageMs })
      const old = await s.append({ key: 'old', envelope: testEnvelope('t1', 'old') })
      const older = await s.append({ key: 'older', envelope: testEnvelope('t1', 'older') })
      await new Promise((r) => setTimeout(r, ageMs * 3))
      const fresh = await s.append({ key: 'fresh', envelope: testEnvelope('t1', 'fresh') })
      expect((await s.read({ thread: 't1' }, old.threadEventId!, 100)).reset).toBe(true)
      expect(older.threadEventId).not.toBe(fresh.threadEventId)
      expect(await s.lastId({ thread: 't1' })).toBe(fresh.threadEventId)
    })

    it('tells subscribers of each appended event, in order, on its own stream only', async () => {
      const s = await open()
      const seen: EventEnvelope[] = []
      const others: EventEnvelope[] = []
      const ops: EventEnvelope[] = []
      const offs = [
        s.subscribe({ thread: 't1' }, (e) => seen.push(e)),
        s.subscribe({ thread: 't2' }, (e) => others.push(e)),
        s.subscribe('operators', (e) => ops.push(e)),
      ]
      const ids: string[] = []
      for (let i = 0; i < 10; i++) {
        ids.push((await s.append({ key: `k${i}`, envelope: testEnvelope('t1', String(i)) })).threadEventId!)
      }
      await s.append({ key: 'dup', envelope: testEnvelope('t1', 'x') })
      await s.append({ key: 'dup', envelope: testEnvelope('t1', 'x') })
      await s.append({ key: 'p', envelope: testEnvelope(null, 'p') })
      await until(
        () => seen.length >= 11 && ops.length >= 12,
        deliveryTimeoutMs,
        () => `subscribed events (thread ${texts(seen).join()} of 11, operators ${texts(ops).join()} of 12)`,
      )
      expect(seen.slice(0, 10).map((e) => e.id)).toEqual(ids)
      expect(texts(seen)).toEqual([...Array.from({ length: 10 }, (_, i) => String(i)), 'x'])
      expect(ops.map((e) => e.threadId).at(-1)).toBeNull()
      expect(others).toEqual([])
      for (const off of offs) off()
    })

    it('stops telling a listener once unsubscribed', async () => {
      const s = await open()
      const kept: EventEnvelope[] = []
      const dropped: EventEnvelope[] = []
      const stream: StreamKey = { thread: 't1' }
      const offKept = s.subscribe(stream, (e) => kept.push(e))
      const off = s.subscribe(stream, (e) => dropped.push(e))
      await s.append({ key: 'a', envelope: testEnvelope('t1', 'a') })
      await until(() => kept.length === 1 && dropped.length === 1, deliveryTimeoutMs, 'the first event')
      off()
      await s.append({ key: 'b', envelope: testEnvelope('t1', 'b') })
      await until(() => kept.length === 2, deliveryTimeoutMs, 'the second event')
      expect(texts(dropped)).toEqual(['a'])
      offKept()
    })

    it('is ready while open, and closes', async () => {
      const s = await make(retention)
      expect(await s.ready()).toBe(true)
      await s.close()
    })

    it("reads a thread's events by the time of their ids, oldest first, at most limit", async () => {
      const s = await open()
      const ids: string[] = []
      for (let i = 0; i < 5; i++) {
        ids.push((await s.append({ key: `k${i}`, envelope: testEnvelope('t1', String(i)) })).threadEventId!)
        await s.append({ key: `o${i}`, envelope: testEnvelope('t2', `other${i}`) })
        await s.append({ key: `p${i}`, envelope: testEnvelope(null, `project${i}`) })
      }
      const ms = (id: string) => Number(id.split('-')[0])
      const [first, last] = [ms(ids[0]!), ms(ids.at(-1)!)]
      const all = await s.readThreadRange('t1', first - 1000, last + 1000, 100)
      expect(all.map((e) => e.id)).toEqual(ids)
      expect(texts(all)).toEqual(['0', '1', '2', '3', '4'])
      expect(texts(await s.readThreadRange('t1', first, last, 2))).toEqual(['0', '1'])
      // Newest first, a read that stops at its limit keeps the events nearest its end.
      expect(texts(await s.readThreadRange('t1', first, last, 2, true))).toEqual(['4', '3'])
      expect(texts(await s.readThreadRange('t1', first - 1000, last + 1000, 100, true))).toEqual([
        '4',
        '3',
        '2',
        '1',
        '0',
      ])
      // Both ends are inclusive, to the millisecond.
      const inner = await s.readThreadRange('t1', ms(ids[1]!), ms(ids[3]!), 100)
      expect(inner.map((e) => e.id)).toEqual(
        ids.filter((id) => ms(id) >= ms(ids[1]!) && ms(id) <= ms(ids[3]!)),
      )
      expect(await s.readThreadRange('t1', first - 2000, first - 1, 100)).toEqual([])
      expect(await s.readThreadRange('t1', last + 1, last + 2000, 100)).toEqual([])
      expect(await s.readThreadRange('t1', last, first - 1, 100)).toEqual([])
      expect(await s.readThreadRange('t1', last + 1, last + 2000, 100, true)).toEqual([])
      expect(await s.readThreadRange('t1', first - 2000, first - 1, 100, true)).toEqual([])
      expect(await s.readThreadRange('t1', first, last, 0)).toEqual([])
      expect(await s.readThreadRange('never', first, last, 100)).toEqual([])
    })

    it('reads no event by time once retention dropped it, by count or by age', async () => {
      const ms = (id: string) => Number(id.split('-')[0])
      const counted = await open({ maxEvents: 2, maxAgeMs: 3_600_000 })
      const ids: string[] = []
      for (let i = 0; i < 4; i++) {
        const { threadEventId } = await counted.append({
          key: `k${i}`,
          envelope: testEnvelope('t1', String(i)),
        })
        ids.push(threadEventId!)
      }
      const read = await counted.readThreadRange('t1', ms(ids[0]!) - 1000, ms(ids[3]!) + 1000, 100)
      expect(texts(read)).toEqual(['2', '3'])
      const back = await counted.readThreadRange('t1', ms(ids[0]!) - 1000, ms(ids[3]!) + 1000, 100, true)
      expect(texts(back)).toEqual(['3', '2'])

      const aged = await open({ maxEvents: 1000, maxAgeMs: ageMs })
      const old = await aged.append({ key: 'old', envelope: testEnvelope('t1', 'old') })
      await new Promise((r) => setTimeout(r, ageMs * 3))
      const fresh = await aged.append({ key: 'fresh', envelope: testEnvelope('t2', 'fresh') })
      const from = ms(old.threadEventId!) - 1000
      expect(await aged.readThreadRange('t1', from, ms(fresh.threadEventId!) + 1000, 100)).toEqual([])
    })

    it("counts a thread's sends under way from mark to clear, each thread apart", async () => {
      const s = await open()
      const { mark, clear, count } = sendsUnderWay(s)
      expect(await count('t1')).toBe(0)
      await mark('t1', 'send-1', 60_000)
      await mark('t1', 'send-2', 60_000)
      await mark('t2', 'send-3', 60_000)
      expect([await count('t1'), await count('t2'), await count('t3')]).toEqual([2, 1, 0])
      // Marking a send again is one mark still.
      await mark('t1', 'send-1', 60_000)
      expect(await count('t1')).toBe(2)
      await clear('t1', 'send-1')
      expect(await count('t1')).toBe(1)
      // Clearing what is not marked (any more, or ever) is no error.
      await clear('t1', 'send-1')
      await clear('t3', 'send-1')
      await clear('t2', 'send-2')
      expect([await count('t1'), await count('t2')]).toEqual([1, 1])
      await clear('t1', 'send-2')
      await clear('t2', 'send-3')
      expect([await count('t1'), await count('t2')]).toEqual([0, 0])
      // A thread marked anew after its marks were cleared counts again.
      await mark('t1', 'send-4', 60_000)
      expect(await count('t1')).toBe(1)
    })

    it('stops counting a send nobody clears once its TTL has passed', async () => {
      const s = await open()
      const { mark, count } = sendsUnderWay(s)
      await mark('t1', 'crashed', ageMs)
      await mark('t1', 'alive', 60_000)
      await mark('t2', 'crashed', ageMs)
      expect(await count('t1')).toBe(2)
      let left = [2, 1]
      const deadline = Date.now() + 10_000
      while (left[0] !== 1 || left[1] !== 0) {
        if (Date.now() > deadline) throw new Error(`marks still counted after their TTL: ${left.join()}`)
        await new Promise((r) => setTimeout(r, 5))
        left = [await count('t1'), await count('t2')]
      }
      // An expired mark is gone, not hidden: marking the thread again counts the live marks only.
      await mark('t2', 'next', 60_000)
      expect([await count('t1'), await count('t2')]).toEqual([1, 1])
    })

    it('rejects a mark with no positive TTL', async () => {
      const s = await open()
      const { mark, count } = sendsUnderWay(s)
      for (const ttl of [0, -1, Number.NaN, Infinity]) {
        await expect(mark('t1', 'send-1', ttl)).rejects.toThrow(/ttlMs/)
      }
      expect(await count('t1')).toBe(0)
    })
  })
}
