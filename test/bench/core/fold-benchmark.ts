// Folding a thread's events into its state: the reducer runs once per SSE event for the life of a tab, so its
// cost per event must not grow with the length of the conversation.
import { initialThreadState, threadReducer, type EventEnvelope, type ThreadState } from '@flowchat/core'
import type { Figure, Section } from '../lib/report.js'
import { medianTime } from '../lib/stats.js'

const threadId = 'fold|t1'
const start = Date.UTC(2026, 0, 1)

/** `n` bot replies, one message each, as the relay's SSE stream delivers them. */
export function replyEvents(n: number): EventEnvelope[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${start + i}-0`,
    threadId,
    kind: 'reply',
    type: 'message',
    receivedAt: new Date(start + i).toISOString(),
    source: 'webhook',
    body: {
      type: 'message',
      payload: {
        threadId,
        traceId: `fold-${i}`,
        originator: { name: 'Bot', role: 'bot' },
        messages: [
          {
            fallback: `reply ${i}`,
            responses: [{ type: 'text', payload: { text: `reply ${i}` } }],
          },
        ],
      },
    },
  }))
}

export function fold(events: readonly EventEnvelope[]): ThreadState {
  let state = initialThreadState(threadId, 'visitor')
  for (const envelope of events) state = threadReducer(state, { type: 'envelope/received', envelope })
  return state
}

/**
 * Times folding 1,000 and 10,000 events (median of runs) and compares the cost per event.
 *
 * @example
 * const section = runFoldBenchmark()
 */
export function runFoldBenchmark(): Section {
  const small = replyEvents(1_000)
  const large = replyEvents(10_000)
  for (const events of [small, large]) {
    const n = fold(events).messages.length
    if (n !== events.length) throw new Error(`folding ${events.length} replies gave ${n} messages`)
  }
  const smallMs = medianTime(() => fold(small), { runs: 9, warmup: 3 })
  const largeMs = medianTime(() => fold(large), { runs: 3, warmup: 1 })
  const perSmall = (smallMs / small.length) * 1000
  const perLarge = (largeMs / large.length) * 1000
  const figures: Figure[] = [
    { key: 'ms1k', label: 'fold 1,000 events', value: smallMs, unit: 'ms' },
    { key: 'ms10k', label: 'fold 10,000 events', value: largeMs, unit: 'ms' },
    { key: 'perEvent1k', label: 'cost per event at 1,000', value: perSmall, unit: 'µs' },
    { key: 'perEvent10k', label: 'cost per event at 10,000', value: perLarge, unit: 'µs' },
    {
      key: 'perEventRatio',
      label: 'cost per event, 10,000 / 1,000 (1 = linear)',
      value: perLarge / perSmall,
      unit: '×',
    },
  ]
  return {
    id: 'fold',
    title: 'Core: folding events into thread state',
    status: 'ok',
    figures,
    config: { eventKind: 'reply', messagesPerEvent: 1, runs: '9 (1,000) and 3 (10,000), median' },
  }
}
