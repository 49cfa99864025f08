import { describe, expect, it } from 'vitest'
import { createMemoryStorage } from '../storage/memory-storage.js'
import type { EventStorage } from '../storage/types.js'
import { until } from '../testing/sse-helpers.js'
import { recordingSendCounts, withoutSendMarks } from '../testing/storage-wrappers.js'
import { createSendsUnderWay } from './sends-under-way.js'

/** A log that keeps its warnings' messages. */
function warnings() {
  const messages: string[] = []
  return { messages, log: { warn: (_details: unknown, message: string) => void messages.push(message) } }
}

/** A send held until `release` (which fails it with `error`). */
function held() {
  let release: (error?: Error) => void = () => {}
  const done = new Promise<string>((resolve, reject) => {
    release = (error) => (error ? reject(error) : resolve('stored'))
  })
  return { work: () => done, release }
}

/** Whether `promise` has settled, tracked from now. */
function tracked(promise: Promise<unknown>) {
  const state = { settled: false }
  void promise.then(
    () => (state.settled = true),
    () => (state.settled = true),
  )
  return state
}

describe('sends under way', () => {
  it.each([
    { outcome: 'stored', fail: undefined },
    { outcome: 'failed', fail: new Error('Flow.ai failed') },
  ])("waits for another instance's send on the same storage until it is $outcome", async ({ fail }) => {
    const storage = createMemoryStorage()
    const { log, messages } = warnings()
    const other = recordingSendCounts(storage)
    const [a, b] = [createSendsUnderWay(storage), createSendsUnderWay(other.storage)]
    const send = held()
    const sending = a.during('t1', send.work, log)
    await until(async () => (await storage.countSendsUnderWay!('t1')) === 1, 'the send to be marked')
    const page = tracked(b.settled('t1', 10_000, log))
    await until(() => other.counts.length >= 3, 'the page to look again')
    expect(page.settled).toBe(false)
    send.release(fail)
    await (fail ? expect(sending).rejects.toBe(fail) : expect(sending).resolves.toBe('stored'))
    await until(() => page.settled, 'the page to be released')
    expect(await storage.countSendsUnderWay!('t1')).toBe(0)
    expect(messages).toEqual([])
  })

  it('reads the storage once, and waits for nothing, when the thread has no send under way', async () => {
    const { storage, counts } = recordingSendCounts(createMemoryStorage())
    const { log } = warnings()
    const underWay = createSendsUnderWay(storage)
    await underWay.during('t2', () => Promise.resolve(), log)
    await underWay.settled('t1', 10_000, log)
    expect(counts.length).toBe(1)
  })

  it('looks again as soon as a send of its own is done, not at its next poll', async () => {
    const storage = createMemoryStorage()
    const { log } = warnings()
    const underWay = createSendsUnderWay(storage, { pollMs: 60_000 })
    const send = held()
    const sending = underWay.during('t1', send.work, log)
    await until(async () => (await storage.countSendsUnderWay!('t1')) === 1, 'the send to be marked')
    const page = tracked(underWay.settled('t1', 60_000, log))
    send.release()
    await sending
    // Only a wake-up by the send itself can release the page within the test's time.
    await until(() => page.settled, 'the page to be released')
  })

  it('stops waiting after the limit for a send that is never done', async () => {
    const storage = createMemoryStorage()
    const { log } = warnings()
    const [a, b] = [createSendsUnderWay(storage), createSendsUnderWay(storage)]
    void a.during('t1', () => new Promise<never>(() => {}), log)
    await until(async () => (await storage.countSendsUnderWay!('t1')) === 1, 'the send to be marked')
    const page = tracked(b.settled('t1', 30, log))
    await until(() => page.settled, 'the page to give up waiting')
  })

  it('without marks in the storage, waits for its own sends only, as before they were shared', async () => {
    const storage = withoutSendMarks(createMemoryStorage())
    const { log, messages } = warnings()
    const [a, b] = [createSendsUnderWay(storage), createSendsUnderWay(storage)]
    const send = held()
    const sending = a.during('t1', send.work, log)
    // Another instance does not know of the send.
    await b.settled('t1', 60_000, log)
    const page = tracked(a.settled('t1', 60_000, log))
    for (let turn = 0; turn < 20; turn++) await new Promise(setImmediate)
    expect(page.settled).toBe(false)
    send.release()
    await sending
    await until(() => page.settled, 'the page to be released')
    expect(messages).toEqual([])
  })

  it.each([
    { how: 'rejects', down: () => Promise.reject(new Error('storage down')) },
    {
      how: "throws (a storage of one's own)",
      down: (): Promise<never> => {
        throw new Error('storage down')
      },
    },
  ])(
    'sends and serves pages when the storage $how to mark, clear or count, with a warning each',
    async ({ down }) => {
      const inner = createMemoryStorage()
      const failing: EventStorage = {
        ...inner,
        markSendUnderWay: down,
        clearSendUnderWay: down,
        countSendsUnderWay: down,
      }
      const { log, messages } = warnings()
      const underWay = createSendsUnderWay(failing)
      const send = held()
      const sending = underWay.during('t1', send.work, log)
      // The count fails: the page falls back to the sends of its own instance, and waits for this one.
      const page = tracked(underWay.settled('t1', 60_000, log))
      await until(() => messages.includes('sends under way not read'), 'the failed read')
      expect(page.settled).toBe(false)
      send.release()
      expect(await sending).toBe('stored')
      await until(() => page.settled, 'the page to be released')
      await until(() => messages.length === 3, 'the warnings')
      expect(messages.sort()).toEqual([
        'send under way not cleared',
        'send under way not marked',
        'sends under way not read',
      ])
    },
  )

  it('clears a mark slower than markWaitMs only after it has landed, so it does not outlive its send', async () => {
    const inner = createMemoryStorage()
    const calls: string[] = []
    let land: () => void = () => {}
    const landed = new Promise<void>((resolve) => (land = resolve))
    // A mark that takes longer than the send waits for it (a Redis that lost its scripts and is sent it again).
    const slow: EventStorage = {
      ...inner,
      markSendUnderWay: async (threadId, sendId, ttlMs) => {
        await landed
        calls.push('mark')
        return inner.markSendUnderWay!(threadId, sendId, ttlMs)
      },
      clearSendUnderWay: (threadId, sendId) => {
        calls.push('clear')
        return inner.clearSendUnderWay!(threadId, sendId)
      },
    }
    const { log } = warnings()
    const underWay = createSendsUnderWay(slow, { markWaitMs: 5 })
    const failed = new Error('Flow.ai refused it')
    await expect(underWay.during('t1', () => Promise.reject(failed), log)).rejects.toBe(failed)
    land()
    await until(() => calls.length === 2, 'the mark and its clear')
    expect(calls).toEqual(['mark', 'clear'])
    expect(await inner.countSendsUnderWay!('t1')).toBe(0)
  })

  it('sends after markWaitMs when the storage does not answer the mark', async () => {
    const storage: EventStorage = {
      ...createMemoryStorage(),
      markSendUnderWay: () => new Promise<never>(() => {}),
    }
    const { log } = warnings()
    const underWay = createSendsUnderWay(storage, { markWaitMs: 20 })
    expect(await underWay.during('t1', () => Promise.resolve('sent'), log)).toBe('sent')
  })
})
