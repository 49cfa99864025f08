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
  const reads: Array<[from: number, to: number, limit: number, newestFirst: boolean]> = []
  return {
    reads,
    storage: {
      readThreadRange: (threadId: string, from: number, to: number, limit: number, newestFirst = false) => {
        reads.push([from, to, limit, newestFirst])
        return storage.readThreadRange(threadId, from, to, limit, newestFirst)
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

  it("reads nothing for a page without the visitor's messages, else one read per window of close times", async () => {
    const { storage, append } = storageAt()
    await append(t0, 'PICK', 'Yes')
    const spy = spied(storage)
    const labels = createEventLabels(spy.storage, { skewMs: 1000, readLimit: 90 })
    const none = page(['bot', 'PICK', t0], ['moderator', 'PICK', t0])
    expect(await labels.restore('t', none)).toBe(none)
    expect(spy.reads).toEqual([])
    // Times within twice the skew share a window; the limit is shared between windows.
    await labels.restore('t', page(['user', 'A', t0 + 60_000], ['user', 'B', t0], ['user', 'C', t0 + 1500]))
    expect(spy.reads).toEqual([
      [t0 - 1000, t0 + 2500, 45, false],
      [t0 + 59_000, t0 + 61_000, 45, false],
    ])
  })

  it('reads a window that fills its share again from each of its times, both ways', async () => {
    const { storage, append } = storageAt()
    for (let i = 0; i < 4; i++) await append(t0 + i, 'NOISE', undefined)
    const spy = spied(storage)
    const labels = createEventLabels(spy.storage, { skewMs: 1000, readLimit: 4 })
    await labels.restore('t', page(['user', 'A', t0]))
    expect(spy.reads).toEqual([
      [t0 - 1000, t0 + 1000, 4, false],
      [t0, t0 + 1000, 2, false],
      [t0 - 1000, t0, 2, true],
    ])
  })

  it('finds no label once the storage no longer holds the send, or past readLimit', async () => {
    const { storage, append } = storageAt({ maxEvents: 3 })
    await append(t0, 'PICK', 'Trimmed')
    for (let i = 1; i <= 3; i++) await append(t0 + i, 'NOISE', `n${i}`)
    await append(t0 + 10_000, 'PICK', 'Late')
    const labels = createEventLabels(storage)
    expect(labelsOf(await labels.restore('t', page(['user', 'PICK', t0])))).toEqual(['Late'])
    // Two reads of one event each: the events nearest the time, noise both ways, hide the send.
    const busy = storageAt()
    for (const at of [1, 2, 3, 6, 7, 8]) await busy.append(t0 + at, 'NOISE', undefined)
    await busy.append(t0 + 10_000, 'PICK', 'Late')
    const tight = createEventLabels(busy.storage, { readLimit: 2 })
    expect(labelsOf(await tight.restore('t', page(['user', 'PICK', t0 + 5])))).toEqual([undefined])
  })

  it('finds the send nearest a message in a thread busier than readLimit in the window, either side', async () => {
    const { storage, append } = storageAt({ maxEvents: 5000 })
    // 600 events in the two minutes before the send, 600 after: an oldest-first read of 500 stops before it.
    for (let i = 0; i < 600; i++) await append(t0 + i * 100, 'NOISE', undefined)
    await append(t0 + 100_000, 'PICK', 'Found')
    for (let i = 0; i < 600; i++) await append(t0 + 100_001 + i * 100, 'NOISE', undefined)
    const labels = createEventLabels(storage)
    expect(labelsOf(await labels.restore('t', page(['user', 'PICK', t0 + 100_000])))).toEqual(['Found'])
    expect(labelsOf(await labels.restore('t', page(['user', 'PICK', t0 + 99_000])))).toEqual(['Found'])
    expect(labelsOf(await labels.restore('t', page(['user', 'PICK', t0 + 101_000])))).toEqual(['Found'])
  })
})

describe('createEventLabels: traceIds', () => {
  /** A memory storage whose clock the test sets, with an appender of visitor (or operator) `sent` events. */
  function sends() {
    const clock = { now: t0 }
    const storage = createMemoryStorage({ now: () => clock.now })
    let n = 0
    const send = (
      at: number,
      payload: Record<string, unknown>,
      source: EventEnvelope['source'] = 'visitor',
    ) => {
      clock.now = at
      return storage.append({
        key: `k${n++}`,
        envelope: {
          threadId: 't',
          kind: 'sent',
          type: String(payload.type),
          receivedAt: new Date(at).toISOString(),
          source,
          body: { payload: { originator: { name: 'Ann', role: 'external' }, ...payload } },
        },
      })
    }
    return { storage, send }
  }
  type Said = [role: string, at: number, response: { type: string; payload: Record<string, unknown> }]
  const historyOf = (entries: Said[], numbers: { page?: number; pages?: number } = {}): HistoryPage => ({
    ...numbers,
    history: entries.map(([role, at, response]) => ({
      originator: { name: 'Ann', role },
      messages: [{ meta: { msgId: `f${at}`, createdAt: at }, responses: [response] }],
    })),
  })
  const said = (text: string) => ({ type: 'text', payload: { text } })
  const clicked = (eventName: string) => ({ type: 'event', payload: { eventName } })
  const traceIds = (p: HistoryPage) =>
    p.history.map((e) => (e.messages[0]!.meta as { traceId?: string } | undefined)?.traceId)

  it('gives each visitor message the traceId of its send, one to one, and the one under way none', async () => {
    const { storage, send } = sends()
    await send(t0 + 100, { type: 'text', speech: 'yes', traceId: 'a' })
    await send(t0 + 2100, { type: 'event', eventName: 'MENU', label: 'Menu', traceId: 'b' })
    // The same button again: another send, another traceId.
    await send(t0 + 4100, { type: 'event', eventName: 'MENU', label: 'Menu', traceId: 'c' })
    await send(t0 + 5100, { type: 'location', lat: '1.5', long: '2', traceId: 'd' })
    await send(t0 + 6100, { type: 'media', mediaType: 'image', url: 'https://x/i.png', traceId: 'e' })
    await send(t0 + 7100, { type: 'text', speech: 'yes', traceId: 'op' }, 'operator')
    const labels = createEventLabels(storage, { skewMs: 1000 })
    const restored = await labels.restore(
      't',
      historyOf([
        ['user', t0, said('yes')],
        ['bot', t0 + 1000, said('yes')],
        ['user', t0 + 2000, clicked('MENU')],
        ['user', t0 + 4000, clicked('MENU')],
        // A third click has no send stored yet (under way): no traceId, but the nearest send's label.
        ['user', t0 + 4500, clicked('MENU')],
        ['user', t0 + 5000, { type: 'location', payload: { lat: 1.5, long: '2' } }],
        ['user', t0 + 6000, { type: 'image', payload: { url: 'https://x/i.png' } }],
        // The operator's send is no visitor's.
        ['user', t0 + 7000, said('yes')],
      ]),
    )
    expect(traceIds(restored)).toEqual(['a', undefined, 'b', 'c', undefined, 'd', 'e', undefined])
    expect(labelsOf(restored)).toEqual([
      undefined,
      undefined,
      'Menu',
      'Menu',
      'Menu',
      undefined,
      undefined,
      undefined,
    ])
    // Flow.ai's own fields stay.
    expect(restored.history[0]!.messages[0]!.meta).toEqual({ msgId: `f${t0}`, createdAt: t0, traceId: 'a' })
  })

  it('pairs identical messages in time order, so an older copy never takes a newer send', async () => {
    const { storage, send } = sends()
    await send(t0 + 300, { type: 'text', speech: 'yes', traceId: 'first' })
    await send(t0 + 600, { type: 'text', speech: 'yes', traceId: 'second' })
    const labels = createEventLabels(storage, { skewMs: 1000 })
    const both = historyOf([
      ['user', t0, said('yes')],
      ['user', t0 + 500, said('yes')],
    ])
    expect(traceIds(await labels.restore('t', both))).toEqual(['first', 'second'])
    // Read while the second was under way: only the first is stored, and only the first copy takes it.
    const { storage: early, send: sendEarly } = sends()
    await sendEarly(t0 + 300, { type: 'text', speech: 'yes', traceId: 'first' })
    expect(traceIds(await createEventLabels(early, { skewMs: 1000 }).restore('t', both))).toEqual([
      'first',
      undefined,
    ])
  })

  it('pairs nothing it could pair across a page edge: no send goes to copies on two pages', async () => {
    const { storage, send } = sends()
    await send(t0 + 100, { type: 'text', speech: 'yes', traceId: 'a' })
    await send(t0 + 5100, { type: 'text', speech: 'yes', traceId: 'b' })
    await send(t0 + 7100, { type: 'text', speech: 'no', traceId: 'c' })
    const labels = createEventLabels(storage, { skewMs: 1000 })
    // Page 1 of 2 starts at the second "yes": the first "yes" (page 2) could take its send as well. The "no"
    // is more than the skew from the edge: no message of another page can be its copy.
    const newest = historyOf(
      [
        ['user', t0 + 5000, said('yes')],
        ['user', t0 + 7000, said('no')],
        ['bot', t0 + 9000, said('ok')],
      ],
      { page: 1, pages: 2 },
    )
    expect(traceIds(await labels.restore('t', newest))).toEqual([undefined, 'c', undefined])
    // And page 2 of 2 ends at the first: the second "yes" (page 1) could take its send.
    const oldest = historyOf([['user', t0, said('yes')]], { page: 2, pages: 2 })
    expect(traceIds(await labels.restore('t', oldest))).toEqual([undefined])
    // Far from an edge, or with no page beyond it, the same messages pair.
    const alone = historyOf([['user', t0, said('yes')]], { page: 1, pages: 1 })
    expect(traceIds(await labels.restore('t', alone))).toEqual(['a'])
  })

  it("pairs page 1's newest send of a busy thread, whose page covers less than the skew", async () => {
    const { storage, send } = sends()
    const bot = Array.from({ length: 19 }, (_, i): Said => ['bot', t0 + i * 3000, said(`answer ${i}`)])
    await send(t0 + 60_200, { type: 'text', speech: 'hi', traceId: 'hi' })
    const labels = createEventLabels(storage)
    const entries: Said[] = [...bot, ['user', t0 + 60_000, said('hi')]]
    for (const numbers of [
      { page: 1, pages: 1 },
      { page: 1, pages: 2 },
    ])
      expect(traceIds(await labels.restore('t', historyOf(entries, numbers))).at(-1)).toBe('hi')
    // The same words on page 2, 10 s before page 1's edge: that send stays unpaired (page 2's copy is nearer to
    // it than any of page 1's), and takes nothing from the newest.
    await send(t0 - 9800, { type: 'text', speech: 'hi', traceId: 'old' })
    expect(traceIds(await labels.restore('t', historyOf(entries, { page: 1, pages: 2 }))).at(-1)).toBe('hi')
    const older = historyOf([['user', t0 - 10_000, said('hi')]], { page: 2, pages: 2 })
    expect(traceIds(await labels.restore('t', older))).toEqual([undefined])
  })

  it('leaves unpaired a copy that a send near the edge may belong to, and pairs the next with its own', async () => {
    const { storage, send } = sends()
    // Stored before Flow.ai's time of its copy: the clocks differ.
    await send(t0 + 300, { type: 'text', speech: 'yes', traceId: 'edge' })
    await send(t0 + 30_200, { type: 'text', speech: 'yes', traceId: 'later' })
    const labels = createEventLabels(storage)
    const newest = historyOf(
      [
        ['bot', t0, said('hello')],
        ['user', t0 + 1000, said('yes')],
        ['user', t0 + 30_000, said('yes')],
      ],
      { page: 1, pages: 2 },
    )
    // "edge" is nearer to page 1's oldest message than to its copy: page 2 could hold that copy. The first
    // "yes" must not take "later" instead (it is nearer to "edge"); the second takes its own.
    expect(traceIds(await labels.restore('t', newest))).toEqual([undefined, undefined, 'later'])
  })

  it('removes every meta.traceId it did not give: the relay is the only author of the field', async () => {
    const { storage, send } = sends()
    await send(t0 + 100, { type: 'text', speech: 'yes', traceId: 'a' })
    const labels = createEventLabels(storage, { skewMs: 1000 })
    const withForeign = (entries: Said[]) => {
      const given = historyOf(entries)
      for (const entry of given.history)
        entry.messages[0]!.meta = { ...entry.messages[0]!.meta, traceId: 'x' }
      return given
    }
    const restored = await labels.restore(
      't',
      withForeign([
        ['user', t0, said('yes')],
        ['bot', t0 + 1000, said('ok')],
        ['user', t0 + 9000, said('later')],
      ]),
    )
    expect(traceIds(restored)).toEqual(['a', undefined, undefined])
    expect(restored.history[1]!.messages[0]!.meta).toEqual({ msgId: `f${t0 + 1000}`, createdAt: t0 + 1000 })
    // A page without the visitor's messages, or whose sends are not stored, reads nothing and still loses them.
    const bots = withForeign([['bot', t0, said('hello')]])
    expect(traceIds(await labels.restore('t', bots))).toEqual([undefined])
    expect(traceIds(await labels.restore('other', withForeign([['user', t0, said('yes')]])))).toEqual([
      undefined,
    ])
  })

  it('never gives a traceId to copies on two pages, wherever the edge falls between them', async () => {
    const { storage, send } = sends()
    const times = [0, 700, 1500, 2600, 3000, 3900, 5200, 6000]
    for (const [i, at] of times.entries())
      await send(t0 + at + (i % 3) * 150 - 100, {
        type: 'text',
        speech: i % 2 ? 'yes' : 'no',
        traceId: `s${i}`,
      })
    const labels = createEventLabels(storage, { skewMs: 1000 })
    const entries = times.map((at, i): Said => ['user', t0 + at, said(i % 2 ? 'yes' : 'no')])
    let pairs = 0
    for (let edge = 1; edge < entries.length; edge++) {
      const newest = await labels.restore('t', historyOf(entries.slice(edge), { page: 1, pages: 2 }))
      const oldest = await labels.restore('t', historyOf(entries.slice(0, edge), { page: 2, pages: 2 }))
      const both = [...traceIds(oldest), ...traceIds(newest)].filter((id) => id !== undefined)
      expect(new Set(both).size, `edge before message ${edge}`).toBe(both.length)
      pairs += both.length
      // Each copy pairs with its own send or none.
      for (const [i, id] of [...traceIds(oldest), ...traceIds(newest)].entries())
        expect([undefined, `s${i}`]).toContain(id)
    }
    expect(pairs).toBeGreaterThan(entries.length)
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
