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

  it('rejects appends once closed (the webhook then answers 503)', async () => {
    const s = createMemoryStorage()
    await s.close()
    expect(await s.ready()).toBe(false)
    await expect(s.append({ key: 'a', envelope: testEnvelope('t1') })).rejects.toThrow(/closed/)
  })
})
