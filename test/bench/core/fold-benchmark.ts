// Folding a thread's events into its state: the reducer runs once per SSE event for the life of a tab, so its
// cost per event must not grow with the length of the conversation.
import { initialThreadState, threadReducer, type EventEnvelope, type ThreadState } from '@flowchat/core'
import type { Figure, Section } from '../lib/report.js'
import { percentile } from '../lib/stats.js'

const threadId = 'fold|t1'
const start = Date.UTC(2026, 0, 1)
const ROUNDS = 7
const WARMUP = 2

/** CPU time of this process (all its threads, so GC and compilation count) in ms. */
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

const median = (values: number[]): number =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  )

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

/** The live client on a burst (a resume replay, a history page): the store folds it in one `envelopes/received`. */
export function fold(events: readonly EventEnvelope[]): ThreadState {
  return threadReducer(initialThreadState(threadId, 'visitor'), {
    type: 'envelopes/received',
    envelopes: events,
  })
}

/** The live client on events that arrive one task apart: one `envelope/received` each, the newest at the end. */
export function foldOneByOne(events: readonly EventEnvelope[]): ThreadState {
  let state = initialThreadState(threadId, 'visitor')
  for (const envelope of events) state = threadReducer(state, { type: 'envelope/received', envelope })
  return state
}

/**
 * Times folding 1,000 and 10,000 events (median of runs) the two ways the live client folds them, as one burst
 * and one at a time, and compares the cost per event. The cost is CPU time (`process.cpuUsage`), which other
 * work on a shared machine does not inflate the way it inflates elapsed time.
 *
 * @example
 * const section = runFoldBenchmark()
 */
export function runFoldBenchmark(): Section {
  const small = replyEvents(1_000)
  const large = replyEvents(10_000)
  for (const events of [small, large]) {
    for (const way of [fold, foldOneByOne]) {
      const n = way(events).messages.length
      if (n !== events.length) throw new Error(`folding ${events.length} replies gave ${n} messages`)
    }
  }
  // Rounds alternate the sizes and fold the same 10,000 events per sample (ten replays of 1,000, one of
  // 10,000), so load from other work on the machine falls on both sides of the ratio alike.
  const perEvent = (way: (events: readonly EventEnvelope[]) => ThreadState) => {
    const replays = large.length / small.length
    const smallMs: number[] = []
    const largeMs: number[] = []
    for (let round = 0; round < ROUNDS + WARMUP; round++) {
      let start = cpuMs()
      for (let i = 0; i < replays; i++) way(small)
      const smallTime = cpuMs() - start
      start = cpuMs()
      way(large)
      const largeTime = cpuMs() - start
      if (round < WARMUP) continue
      smallMs.push(smallTime / replays)
      largeMs.push(largeTime)
    }
    return {
      small: (median(smallMs) / small.length) * 1000,
      large: (median(largeMs) / large.length) * 1000,
    }
  }
  const burst = perEvent(fold)
  const single = perEvent(foldOneByOne)
  const figures: Figure[] = [
    { key: 'perEvent1k', label: 'burst: cost per event at 1,000', value: burst.small, unit: 'µs' },
    { key: 'perEvent10k', label: 'burst: cost per event at 10,000', value: burst.large, unit: 'µs' },
    {
      key: 'perEventRatio',
      label: 'burst: cost per event, 10,000 / 1,000 (1 = linear)',
      value: burst.large / burst.small,
      unit: '×',
    },
    { key: 'single1k', label: 'one at a time: cost per event at 1,000', value: single.small, unit: 'µs' },
    { key: 'single10k', label: 'one at a time: cost per event at 10,000', value: single.large, unit: 'µs' },
    {
      key: 'singleRatio',
      label: 'one at a time: cost per event, 10,000 / 1,000',
      value: single.large / single.small,
      unit: '×',
    },
  ]
  return {
    id: 'fold',
    title: 'Core: folding events into thread state',
    status: 'ok',
    figures,
    config: {
      eventKind: 'reply',
      messagesPerEvent: 1,
      burst: 'one envelopes/received (what the thread store dispatches for events arriving in one task)',
      oneAtATime: 'one envelope/received per event, each newer than the last',
      clock: 'process CPU time (user + system, all threads)',
      runs: '7 rounds after 2 warm-up, each ten replays of 1,000 then one of 10,000; median per size',
    },
  }
}
