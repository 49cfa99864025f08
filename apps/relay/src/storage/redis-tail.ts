import type { Redis } from 'ioredis'
import { whenReady } from './redis-connection.js'
import { compareEventIds } from './event-id.js'
import { toEntries, toEnvelope, type StoredEntry } from './redis-entries.js'
import type { EventEnvelope } from './types.js'

export interface OperatorsTailOptions {
  /** A connection used only for the blocking XREAD. */
  blocking: Redis
  /** The operators' stream key. */
  key: string
  /**
   * The newest id of the operators' stream, asked on the connection appends go through: a command sent
   * there before an append of this process is answered before it, which is what makes "from now on" exact.
   */
  lastId: () => Promise<string>
  /** How long one XREAD waits (also the longest an idle loop lingers after its last subscriber). */
  blockMs: number
  /** Most entries taken per XREAD. */
  batch: number
  onError: (error: unknown) => void
}

/** Which events a listener wants: one thread's (with the thread stream's ids), or all (operators' ids). */
export type TailFilter = { threadId: string } | 'operators'

interface Subscriber {
  filter: TailFilter
  listener: (event: EventEnvelope) => void
  /** Operators' id at subscribe time; until it is known, entries wait in `pending`. */
  barrier: string | undefined
  pending: StoredEntry[]
}

export interface OperatorsTail {
  subscribe(filter: TailFilter, listener: (event: EventEnvelope) => void): () => void
  close(): Promise<void>
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Live fan-out for one relay instance: a single blocking `XREAD` loop over the operators' stream (which
 * carries every event, and for thread events the id in the thread's stream) dispatches to local
 * subscribers by thread. So an instance holds two Redis connections however many threads its clients
 * watch, and ordering per thread is the operators' stream's order, which the append script makes equal
 * to the thread stream's.
 *
 * The loop runs only while someone listens. When the blocking connection drops it waits for ioredis to
 * reconnect and goes on from the last id it saw, so nothing appended meanwhile is skipped.
 *
 * @example
 * const tail = createOperatorsTail({ blocking, key: 'flowchat:ops', lastId, blockMs: 5000, batch: 500, onError })
 * const stop = tail.subscribe({ threadId: 't1' }, (event) => send(event))
 */
export function createOperatorsTail(options: OperatorsTailOptions): OperatorsTail {
  const subscribers = new Set<Subscriber>()
  let loop: Promise<void> | undefined
  let closed = false

  function deliver(subscriber: Subscriber, entry: StoredEntry): void {
    const { filter } = subscriber
    let event: EventEnvelope
    if (filter === 'operators') event = toEnvelope(entry.json, entry.id)
    else if (entry.threadId === filter.threadId && entry.threadEventId !== '') {
      event = toEnvelope(entry.json, entry.threadEventId)
    } else return
    try {
      subscriber.listener(event)
    } catch (error) {
      // One listener's bug must not stop the others or the loop.
      options.onError(error)
    }
  }

  function dispatch(entry: StoredEntry): void {
    for (const subscriber of subscribers) {
      if (subscriber.barrier === undefined) subscriber.pending.push(entry)
      else if (compareEventIds(entry.id, subscriber.barrier) > 0) deliver(subscriber, entry)
    }
  }

  async function run(start: Promise<string>): Promise<void> {
    let cursor = await start.catch(() => undefined)
    let failures = 0
    while (!closed && subscribers.size > 0) {
      try {
        cursor ??= await options.lastId()
        await whenReady(options.blocking, options.blockMs)
        const reply = await options.blocking.xread(
          'COUNT',
          options.batch,
          'BLOCK',
          options.blockMs,
          'STREAMS',
          options.key,
          cursor,
        )
        failures = 0
        for (const entry of reply === null ? [] : toEntries(reply[0]?.[1] ?? [])) {
          cursor = entry.id
          dispatch(entry)
        }
      } catch (error) {
        if (closed) break
        options.onError(error)
        failures++
        await sleep(Math.min(100 * failures, 1_000))
      }
    }
    loop = undefined
  }

  return {
    subscribe(filter, listener) {
      const subscriber: Subscriber = { filter, listener, barrier: undefined, pending: [] }
      subscribers.add(subscriber)
      const barrier = options.lastId()
      barrier.then(
        (id) => release(subscriber, id),
        // Redis is down: nothing can be appended until it is back, so everything the loop reads is new.
        () => release(subscriber, '0-0'),
      )
      loop ??= run(barrier)
      return () => {
        subscribers.delete(subscriber)
      }
    },
    async close() {
      closed = true
      subscribers.clear()
      options.blocking.disconnect()
      await loop
    },
  }

  function release(subscriber: Subscriber, barrier: string): void {
    subscriber.barrier = barrier
    const pending = subscriber.pending
    subscriber.pending = []
    for (const entry of pending) {
      if (subscribers.has(subscriber) && compareEventIds(entry.id, barrier) > 0) deliver(subscriber, entry)
    }
  }
}
