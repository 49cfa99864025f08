import { describe, expect, it } from 'vitest'
import type { HistoryPage } from '@flowchat/core'
import { createMemoryStorage } from '../storage/memory-storage.js'
import type { EventEnvelope, EventStorage } from '../storage/types.js'
import { createEventLabels, withLabel } from './event-labels.js'

const t0 = Date.UTC(2026, 10, 30)

const page = (...entries: Array<[role: string, eventName: string, createdAt?: number]>): HistoryPage => ({
  history: entries.map(([role, eventName, createdAt]) => ({
    originator: { name: 'Ann', role },
    messages: [
      {
        ...(createdAt === undefined ? {} : { meta: { createdAt } }),
        responses: [{ type: 'event', payload: { eventName } }],
      },
    ],
  })),
})
const labelsOf = (p: HistoryPage) =>
  p.history.map((e) => (e.messages[0]!.responses[0]!.payload as { label?: string }).label)

/** A memory storage whose clock (and so its ids' times) the test sets, with a `sent` event appender. */
function storageAt(options: { maxEvents?: number } = {}) {
  const clock = { now: t0 }
  const storage = createMemoryStorage({ now: () => clock.now, ...options })
  let n = 0
  const append = (
    at: number,
    eventName: string,
    label: string | undefined,
    {
      threadId = 't',
      source = 'visitor',
      kind = 'sent',
    }: Partial<Pick<EventEnvelope, 'threadId' | 'source' | 'kind'>> = {},
  ) => {
    clock.now = at
    return storage.append({
      key: `k${n++}`,
      envelope: {
        threadId,
        kind,
        type: 'event',
        receivedAt: new Date(at).toISOString(),
        source,
        body: withLabel({ type: 'event', payload: { type: 'event', eventName } }, label),
      },
    })
  }
  return { storage, append }
}

/** Records each range the labels read. */
function spied(storage: EventStorage) {
  const reads: Array<[from: number, to: number, limit: number]> = []
  return {
    reads,
    storage: {
      readThreadRange: (threadId: string, from: number, to: number, limit: number) => {
        reads.push([from, to, limit])
        return storage.readThreadRange(threadId, from, to, limit)
      },
    },
  }
}

describe('createEventLabels', () => {
  it("puts back the label of the visitor's nearest stored send with that event name, and leaves the rest", async () => {
    const { storage, append } = storageAt()
    await append(t0 + 10_000, 'PICK', 'Yes')
    await append(t0 + 20_000, 'PICK', 'No')
    await append(t0 + 30_000, 'PICK', 'Operator', { source: 'operator' })
    await append(t0 + 31_000, 'PICK', undefined)
    await append(t0 + 32_000, 'PICK', 'Elsewhere', { threadId: 'u' })
    const labels = createEventLabels(storage, { skewMs: 1000 })
    const restored = await labels.restore(
      't',
      page(
        ['user', 'PICK', t0 + 10_200],
        ['external', 'PICK', t0 + 19_500],
        ['user', 'PICK', t0 + 50_000],
        ['moderator', 'PICK', t0 + 10_000],
        ['user', 'OTHER', t0 + 10_000],
        // Only the operator's send, one without a label and another thread's are near these.
        ['user', 'PICK', t0 + 30_000],
        ['user', 'PICK', t0 + 31_500],
        // Without a time, no send is the nearest.
        ['user', 'PICK'],
      ),
    )
    expect(labelsOf(restored)).toEqual([
      'Yes',
      'No',
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ])
    expect(labelsOf(await labels.restore('u', page(['user', 'PICK', t0 + 32_000])))).toEqual(['Elsewhere'])
    expect(labelsOf(await labels.restore('another', page(['user', 'PICK', t0 + 10_000])))).toEqual([
      undefined,
    ])
  })

  it('keeps a label already on the page, and an agent event its name', async () => {
    const { storage, append } = storageAt()
    await append(t0, 'PICK', 'Stored')
    const given = page(['user', 'PICK', t0])
    given.history[0]!.messages[0]!.responses[0]!.payload = { eventName: 'PICK', label: 'Given' }
    const labels = createEventLabels(storage)
    expect(labelsOf(await labels.restore('t', given))).toEqual(['Given'])
  })

  it("reads nothing for a page without the visitor's unlabelled events, else only around their times", async () => {
    const { storage, append } = storageAt()
    await append(t0, 'PICK', 'Yes')
    const spy = spied(storage)
    const labels = createEventLabels(spy.storage, { skewMs: 1000, readLimit: 90 })
    const none = page(['bot', 'PICK', t0], ['moderator', 'PICK', t0])
    expect(await labels.restore('t', none)).toBe(none)
    expect(spy.reads).toEqual([])
    // Two times within twice the skew share one window; a third far off gets its own; the limit is shared.
    await labels.restore('t', page(['user', 'A', t0 + 60_000], ['user', 'B', t0], ['user', 'C', t0 + 1500]))
    expect(spy.reads).toEqual([
      [t0 - 1000, t0 + 2500, 45],
      [t0 + 59_000, t0 + 61_000, 45],
    ])
  })

  it('finds no label once the storage no longer holds the send, or past readLimit', async () => {
    const { storage, append } = storageAt({ maxEvents: 3 })
    await append(t0, 'PICK', 'Trimmed')
    for (let i = 1; i <= 3; i++) await append(t0 + i, 'NOISE', `n${i}`)
    await append(t0 + 10_000, 'PICK', 'Late')
    const labels = createEventLabels(storage)
    expect(labelsOf(await labels.restore('t', page(['user', 'PICK', t0])))).toEqual(['Late'])
    const tight = createEventLabels(storage, { readLimit: 2 })
    expect(labelsOf(await tight.restore('t', page(['user', 'PICK', t0 + 10_000])))).toEqual([undefined])
  })
})

describe('withLabel', () => {
  it("sets the label on the body's payload, and leaves a body without a payload or label as it is", () => {
    expect(withLabel({ type: 'event', payload: { eventName: 'E' } }, 'Go')).toEqual({
      type: 'event',
      payload: { eventName: 'E', label: 'Go' },
    })
    const body = { type: 'event', payload: { eventName: 'E' } }
    expect(withLabel(body, undefined)).toBe(body)
    expect(withLabel('text', 'Go')).toBe('text')
  })
})
