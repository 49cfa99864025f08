import { describe, expect, it } from 'vitest'
import type { HistoryPage } from '@flowchat/core'
import { createEventLabels } from './event-labels.js'

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

describe('createEventLabels', () => {
  it('puts the label of the nearest send with that event name back, and leaves the rest as they were', () => {
    const t0 = Date.UTC(2026, 10, 30)
    let clock = t0
    const labels = createEventLabels({ now: () => clock, skewMs: 1000 })
    labels.remember('t', { eventName: 'PICK', label: 'Yes', at: t0 + 10_000 })
    labels.remember('t', { eventName: 'PICK', label: 'No', at: t0 + 20_000 })
    const restored = labels.restore(
      't',
      page(
        ['user', 'PICK', t0 + 10_200],
        ['external', 'PICK', t0 + 19_500],
        ['user', 'PICK', t0 + 50_000],
        ['moderator', 'PICK', t0 + 10_000],
        ['user', 'OTHER', t0 + 10_000],
      ),
    )
    expect(labelsOf(restored)).toEqual(['Yes', 'No', undefined, undefined, undefined])
    expect(labelsOf(labels.restore('another thread', page(['user', 'PICK', t0 + 10_000])))).toEqual([
      undefined,
    ])
    // Past maxAgeMs (24 h by default) the label is forgotten: the event name shows.
    clock += 25 * 60 * 60 * 1000
    expect(labelsOf(labels.restore('t', page(['user', 'PICK', t0 + 10_000])))).toEqual([undefined])
  })

  it('matches a message without a time only when one send has that name', () => {
    const labels = createEventLabels()
    labels.remember('t', { eventName: 'A', label: 'Only', at: Date.now() })
    labels.remember('t', { eventName: 'B', label: 'One', at: Date.now() })
    labels.remember('t', { eventName: 'B', label: 'Two', at: Date.now() })
    expect(labelsOf(labels.restore('t', page(['user', 'A'], ['user', 'B'])))).toEqual(['Only', undefined])
  })

  it('keeps at most perThread labels per thread and threads threads', () => {
    const labels = createEventLabels({ perThread: 2, threads: 2 })
    const at = Date.now()
    for (const label of ['1', '2', '3']) labels.remember('t', { eventName: `E${label}`, label, at })
    expect(labelsOf(labels.restore('t', page(['user', 'E1', at], ['user', 'E3', at])))).toEqual([
      undefined,
      '3',
    ])
    labels.remember('u', { eventName: 'E', label: 'u', at })
    labels.remember('v', { eventName: 'E', label: 'v', at })
    expect(labelsOf(labels.restore('t', page(['user', 'E3', at])))).toEqual([undefined])
    expect(labelsOf(labels.restore('v', page(['user', 'E', at])))).toEqual(['v'])
  })
})
