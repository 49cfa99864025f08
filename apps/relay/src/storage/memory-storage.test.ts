import { describe, expect, it } from 'vitest'
import { createMemoryStorage } from './memory-storage.js'
import { describeStorageContract, testEnvelope } from './storage-contract.js'

describeStorageContract('memory', (retention) => createMemoryStorage(retention))

describe('memory storage', () => {
  it('keeps ids increasing when the clock goes backwards', async () => {
    let now = 2_000_000
    const s = createMemoryStorage({ now: () => now })
    const a = await s.append({ key: 'a', envelope: testEnvelope('t1') })
    now = 1_000_000
    const b = await s.append({ key: 'b', envelope: testEnvelope('t1') })
    expect(a.threadEventId).toBe('2000000-0')
    expect(b.threadEventId).toBe('2000000-2')
    const r = await s.read({ thread: 't1' }, a.threadEventId!, 10)
    expect(r.reset === false && r.events.map((e) => e.id)).toEqual([b.threadEventId])
  })

  it('counts a send under way until exactly its TTL has passed, by its clock', async () => {
    let now = 1_000
    const s = createMemoryStorage({ now: () => now })
    await s.markSendUnderWay!('t1', 'a', 100)
    now += 50
    await s.markSendUnderWay!('t1', 'b', 100)
    now += 49
    expect(await s.countSendsUnderWay!('t1')).toBe(2)
    now += 1
    expect(await s.countSendsUnderWay!('t1')).toBe(1)
    now += 50
    expect(await s.countSendsUnderWay!('t1')).toBe(0)
    await s.close()
    await expect(s.countSendsUnderWay!('t1')).rejects.toThrow(/closed/)
  })

  it('forgets dedupe keys past maxKeys, so memory stays bounded', async () => {
    const s = createMemoryStorage({ maxKeys: 2 })
    await s.append({ key: 'k1', envelope: testEnvelope('t1') })
    await s.append({ key: 'k2', envelope: testEnvelope('t1') })
    await s.append({ key: 'k3', envelope: testEnvelope('t1') })
    expect((await s.append({ key: 'k3', envelope: testEnvelope('t1') })).duplicate).toBe(true)
    expect((await s.append({ key: 'k1', envelope: testEnvelope('t1') })).duplicate).toBe(false)
  })

  it('forgets dedupe keys with the events they stored (age)', async () => {
    let now = 1_000
    const s = createMemoryStorage({ maxAgeMs: 100, now: () => now })
    await s.append({ key: 'k', envelope: testEnvelope('t1') })
    now += 50
    expect((await s.append({ key: 'k', envelope: testEnvelope('t1') })).duplicate).toBe(true)
    now += 200
    expect((await s.append({ key: 'k', envelope: testEnvelope('t1') })).duplicate).toBe(false)
  })

  it('resumes from the newest id even after it was trimmed by age: nothing was missed', async () => {
    let now = 1_000
    const s = createMemoryStorage({ maxAgeMs: 100, now: () => now })
    const off = s.subscribe({ thread: 't1' }, () => undefined)
    const a = await s.append({ key: 'a', envelope: testEnvelope('t1') })
    now += 500
    expect(await s.lastId({ thread: 't1' })).toBeUndefined()
    const r = await s.read({ thread: 't1' }, a.threadEventId!, 10)
    expect(r).toEqual({ reset: false, events: [] })
    off()
  })

  it('bounds the bytes held over every thread, dropping the oldest first, and resets readers behind them', async () => {
    const big = (threadId: string, i: number) => ({
      ...testEnvelope(threadId, String(i)),
      body: { type: 'message', payload: { threadId, text: String(i), params: 'x'.repeat(10_000) } },
    })
    const s = createMemoryStorage({ maxBytes: 50_000 })
    const ids: { thread: string; id: string; ops: string }[] = []
    for (let i = 0; i < 12; i++) {
      const thread = `t${i % 3}`
      const r = await s.append({ key: `k${i}`, envelope: big(thread, i) })
      ids.push({ thread, id: r.threadEventId!, ops: r.operatorEventId })
      expect(s.usage().bytes).toBeLessThanOrEqual(50_000)
    }
    // About 10 KB each: four fit. Those are the newest four, spread over the three threads.
    const kept = ids.slice(-4)
    expect(s.usage().events).toBe(8)
    for (const old of ids.slice(0, 7)) {
      expect((await s.read({ thread: old.thread }, old.id, 10)).reset).toBe(true)
    }
    expect((await s.read('operators', ids[0]!.ops, 10)).reset).toBe(true)
    const ops = await s.read('operators', kept[0]!.ops, 10)
    expect(ops.reset === false && ops.events.map((e) => e.id)).toEqual(kept.slice(1).map((k) => k.ops))
    const t2 = await s.read({ thread: 't2' }, ids[8]!.id, 10)
    expect(t2.reset === false && t2.events.map((e) => e.id)).toEqual([ids[11]!.id])
  })

  it('keeps the event just appended even when it alone is over maxBytes', async () => {
    const s = createMemoryStorage({ maxBytes: 100 })
    const a = await s.append({ key: 'a', envelope: testEnvelope('t1', 'a'.repeat(200)) })
    expect(await s.lastId({ thread: 't1' })).toBe(a.threadEventId)
    const b = await s.append({ key: 'b', envelope: testEnvelope('t1', 'b'.repeat(200)) })
    expect(await s.lastId({ thread: 't1' })).toBe(b.threadEventId)
    expect(s.usage().events).toBe(2)
    expect((await s.read({ thread: 't1' }, a.threadEventId!, 10)).reset).toBe(true)
  })

  it('counts the size a caller gives instead of serialising the event', async () => {
    const s = createMemoryStorage({ maxBytes: 1_000 })
    const a = await s.append({ key: 'a', envelope: testEnvelope('t1'), bytes: 600 })
    expect(s.usage().bytes).toBe(600)
    await s.append({ key: 'b', envelope: testEnvelope('t1'), bytes: 600 })
    expect(s.usage()).toEqual({ bytes: 600, events: 2 })
    expect((await s.read({ thread: 't1' }, a.threadEventId!, 10)).reset).toBe(true)
  })

  it('names the option a bad bound is given to', () => {
    expect(() => createMemoryStorage({ maxBytes: 0 })).toThrow(/maxBytes must be a positive integer/)
    expect(() => createMemoryStorage({ maxEvents: Number.NaN })).toThrow(/maxEvents/)
  })

  it('rejects appends once closed (the webhook then answers 503)', async () => {
    const s = createMemoryStorage()
    await s.close()
    expect(await s.ready()).toBe(false)
    await expect(s.append({ key: 'a', envelope: testEnvelope('t1') })).rejects.toThrow(/closed/)
  })
})
