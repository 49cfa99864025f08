import { describe, expect, it } from 'vitest'
import type { EventEnvelope } from '../protocol/index.js'
import { threadReducer } from './thread-reducer.js'
import { initialThreadState, type ThreadState } from './thread-state.js'
import { createThreadStore } from './thread-store.js'

const T = 't1|o_c1'
const BASE = 1_732_170_000_000

function reply(ms: number, text: string, threadId: string | null = T): EventEnvelope {
  return {
    id: `${BASE + ms}-0`,
    threadId,
    kind: 'reply',
    type: 'message',
    receivedAt: new Date(BASE + ms).toISOString(),
    source: 'webhook',
    body: {
      type: 'message',
      payload: {
        threadId: T,
        traceId: `tr-${ms}`,
        originator: { name: 'Bot', role: 'bot' },
        messages: [{ fallback: text, responses: [{ type: 'text', payload: { text } }] }],
      },
    },
  }
}

const texts = (s: ThreadState) => s.messages.map((m) => m.fallback)
const settled = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

describe('thread store: bursts of envelopes', () => {
  it('folds a burst in one state, equal to one action per event, and names only the accepted envelopes', async () => {
    const store = createThreadStore(T, 'visitor')
    const states: ThreadState[] = []
    const events: string[] = []
    store.state$.subscribe((s) => states.push(s))
    store.events$.subscribe((e) => events.push(e.id))
    const burst = [reply(1, 'a'), reply(2, 'b'), reply(2, 'b again'), reply(1, 'a again'), reply(3, 'c')]
    burst.push(reply(4, 'other thread', 't2|o_c1'), reply(5, 'd'))
    for (const envelope of burst) store.receive(envelope)
    await settled()

    expect(states).toHaveLength(2) // the initial state, then the whole burst
    let one = initialThreadState(T, 'visitor')
    for (const envelope of burst) one = threadReducer(one, { type: 'envelope/received', envelope })
    expect(store.value).toEqual(one)
    expect(texts(store.value)).toEqual(['a', 'b', 'c', 'd'])
    expect(events).toEqual([burst[0], burst[1], burst[4], burst[6]].map((e) => e?.id))
  })

  it('folds a lone event by the end of the task, and a later burst drops what it already has', async () => {
    const store = createThreadStore(T, 'visitor')
    const events: string[] = []
    store.events$.subscribe((e) => events.push(e.id))
    store.receive(reply(1, 'a'))
    await Promise.resolve()
    expect(texts(store.value)).toEqual(['a'])
    expect(events).toHaveLength(1)
    // A resume replay that starts before what the store has.
    for (const envelope of [reply(1, 'a'), reply(2, 'b')]) store.receive(envelope)
    await settled()
    expect(texts(store.value)).toEqual(['a', 'b'])
    expect(events).toEqual([reply(1, '').id, reply(2, '').id])
  })

  it('shows waiting envelopes to a reader and applies them before a later action', () => {
    const store = createThreadStore(T, 'visitor')
    store.receive(reply(1, 'a'))
    store.receive(reply(2, 'b'))
    expect(store.value.lastEventId).toBe(reply(2, '').id)
    store.receive(reply(3, 'c'))
    store.dispatch({ type: 'stream/reset' })
    expect(store.value.lastEventId).toBeUndefined()
    expect(texts(store.value)).toEqual(['a', 'b', 'c'])
  })
})
