import { closeRedisConnection, whenReady, type RedisClient } from './redis-connection.js'
import { compareEventIds } from './event-id.js'
import { shardOfEventId } from './redis-shard-merge.js'
import { toEntries, toEnvelope, type StoredEntry } from './redis-entries.js'
import type { EventEnvelope } from './types.js'

/**
 * Where the live tail reads the operators' stream: one stream (a blocking XREAD), or several shards merged in id
 * order (see `createShardedSource`).
 */
export interface OperatorsSource {
  /** Entries after `cursor`, in id order; waits up to about `blockMs` for some; may answer none. */
  next(cursor: string): Promise<StoredEntry[]>
  /** False when entries after `cursor` may have been trimmed or lost (then subscribers catch up on their own). */
  intact(cursor: string): Promise<boolean>
  /** Waits for the source's connections (ioredis reconnecting), at most about `blockMs`; rejects if still down. */
  ready(): Promise<void>
  /** Drops the source's connections. */
  close(): void
}

export interface OperatorsTailOptions {
  source: OperatorsSource
  /**
   * The newest ids, read together, of the operators' stream (one per shard) and (given a thread) of that thread's
   * stream: where a new subscription starts. Asked on the connection appends go through, so a command sent there
   * before an append of this process is answered before it, which is what makes "from now on" exact.
   */
  head: (threadId: string | undefined) => Promise<{ operators: readonly string[]; thread: string }>
  /**
   * Entries of a subscriber's own stream after an id (exclusive), oldest first, for catching up after a gap. With
   * `check`, undefined when that id is no longer retained (as `read` answers a reset): what followed it may be gone.
   */
  after: (
    filter: TailFilter,
    afterId: string,
    limit: number,
    check: boolean,
  ) => Promise<{ id: string; json: string }[] | undefined>
  /** How long a source waits (also the longest an idle loop lingers after its last subscriber). */
  blockMs: number
  /** Most entries taken per catch-up read. */
  batch: number
  onError: (error: unknown) => void
}

/** Which events a listener wants: one thread's (with the thread stream's ids), or all (operators' ids). */
export type TailFilter = { threadId: string } | 'operators'

interface Subscriber {
  filter: TailFilter
  listener: (event: EventEnvelope) => void
  onReset: ((reason: string) => void) | undefined
  /** The newest id (of its own stream) it was given or need not be given; until known, entries wait. */
  last: string | undefined
  /** `last` was read from this clock while Redis was down (see `headFromClock`): no id its stream ever held. */
  guessed: boolean
  /**
   * Operators over several shards: the newest id of each shard when it subscribed (ids of a shard up to it came
   * before the subscription), until the tail is past all of them.
   */
  floors: readonly string[] | undefined
  pending: StoredEntry[]
}

export interface OperatorsTail {
  subscribe(
    filter: TailFilter,
    listener: (event: EventEnvelope) => void,
    onReset?: (reason: string) => void,
  ): () => void
  close(): Promise<void>
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Where to start when Redis cannot say (it is down): a second before now on this clock. Nothing can be
 * appended while Redis is down, and the margin covers small clock differences with the Redis host.
 */
const headFromClock = () => `${Date.now() - 1_000}-0`

/**
 * Where the tail reads on from when its cursor's entry is gone, and where a reset subscriber starts. Trimming removes
 * the oldest entries, so then all that is left comes after the cursor, and reading from the start reads the same.
 * But a Redis restarted empty hands out new ids from its clock, which can be below the cursor (a clock behind the
 * old one: another host, a clock stepped back): read from the cursor, every event appended until that clock passes
 * it would be skipped, for every subscriber, also those that subscribed after the restart. A subscriber whose last
 * id is gone with the old log is reset (see `catchUp`) and takes the new log from its start, whatever its ids.
 */
const restartCursor = '0-0'

/**
 * Live fan-out for one relay instance: a single loop over the operators' stream (which carries every event, and
 * for thread events the id in the thread's stream) dispatches to local subscribers by thread. Its source is a
 * blocking `XREAD` on one stream, or the shards of a sharded stream merged in id order. So an instance holds the
 * same few Redis connections however many threads its clients watch, and ordering per thread is the operators'
 * stream's order, which the append script makes equal to the thread stream's.
 *
 * The loop runs only while someone listens. When its connection drops it waits for ioredis to reconnect
 * and goes on from the last id it saw. If that id was trimmed meanwhile (or Redis restarted empty), the
 * operators' stream no longer shows what was missed, so each thread subscriber catches up from its thread's
 * stream instead, and the loop reads the operators' stream from its start (see `restartCursor`); one whose last id
 * is gone from its own stream too is reset (`onReset`). Each subscriber remembers the newest id it got, so nothing
 * reaches it twice.
 *
 * @example
 * const tail = createOperatorsTail({ source, head, after, blockMs: 5000, batch: 500, onError })
 * const stop = tail.subscribe({ threadId: 't1' }, (event) => send(event))
 */
export function createOperatorsTail(options: OperatorsTailOptions): OperatorsTail {
  const subscribers = new Set<Subscriber>()
  let loop: Promise<void> | undefined
  let closed = false

  /** Thread subscribers by thread id, so an entry costs only its own thread's subscribers. */
  const byThread = new Map<string, Set<Subscriber>>()
  const operators = new Set<Subscriber>()

  /**
   * Gives `subscriber` the event `id` of its own stream, unless it already has it. `newer` compares `id` with a
   * subscriber's last id (one entry's subscribers mostly share that id: see `newerThan`).
   */
  function offer(
    subscriber: Subscriber,
    id: string,
    envelope: () => EventEnvelope,
    newer: (last: string) => boolean = (last) => compareEventIds(id, last) > 0,
  ): void {
    if (subscriber.last === undefined || !newer(subscriber.last)) return
    if (subscriber.floors !== undefined && !aboveFloor(subscriber, id)) return
    subscriber.last = id
    subscriber.guessed = false
    try {
      subscriber.listener(envelope())
    } catch (error) {
      // One listener's bug must not stop the others or the loop.
      options.onError(error)
    }
  }

  function deliver(subscriber: Subscriber, entry: StoredEntry): void {
    const { filter } = subscriber
    if (filter === 'operators') offer(subscriber, entry.id, envelopes(entry).operators)
    else if (entry.threadId === filter.threadId && entry.threadEventId !== '') {
      offer(subscriber, entry.threadEventId, envelopes(entry).thread)
    }
  }

  function dispatch(entry: StoredEntry): void {
    const own = entry.threadEventId === '' ? undefined : byThread.get(entry.threadId)
    if (operators.size === 0 && !own) return
    // Parsed once for every subscriber here, under each stream's id; they all get the same envelope object.
    const shared = envelopes(entry)
    const newerOperators = newerThan(entry.id)
    for (const subscriber of operators) {
      if (subscriber.last === undefined) subscriber.pending.push(entry)
      else offer(subscriber, entry.id, shared.operators, newerOperators)
    }
    const newerThread = newerThan(entry.threadEventId)
    for (const subscriber of own ?? []) {
      if (subscriber.last === undefined) subscriber.pending.push(entry)
      else offer(subscriber, entry.threadEventId, shared.thread, newerThread)
    }
  }

  /**
   * After a gap in the operators' stream: every subscriber reads its own stream after the last id it got. One whose
   * last id is gone from its stream (Redis restarted empty, or trimmed past it) may have missed events that no read
   * can give it: it is told to reset, as a client resuming from that id would be, and reads its stream from the start.
   * Read from its last id, it would get nothing while the new log's ids stay below it: a live stream gone silent.
   */
  async function catchUp(): Promise<void> {
    for (const subscriber of [...subscribers]) {
      for (;;) {
        const last = subscriber.last
        if (last === undefined || !subscribers.has(subscriber)) break
        // A start from the clock, or from an empty stream, is no entry a log could have lost.
        const check = !subscriber.guessed && last !== restartCursor
        const entries = await options.after(subscriber.filter, last, options.batch, check)
        if (entries === undefined) {
          reset(subscriber, `event ${last} is not in the retained log`)
          continue
        }
        for (const entry of entries) offer(subscriber, entry.id, () => toEnvelope(entry.json, entry.id))
        if (entries.length < options.batch) break
      }
    }
  }

  async function run(start: Promise<string>): Promise<void> {
    let cursor = await start.catch(headFromClock)
    let failures = 0
    while (!closed && subscribers.size > 0) {
      try {
        await options.source.ready()
        if (failures > 0) {
          // Back after a failure: if entries after the cursor are gone, subscribers catch up from their streams.
          if (!(await options.source.intact(cursor))) {
            await catchUp()
            cursor = restartCursor
          }
          failures = 0
        }
        const entries = await options.source.next(cursor)
        for (const entry of entries) {
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
    subscribe(filter, listener, onReset) {
      const subscriber: Subscriber = {
        filter,
        listener,
        onReset,
        last: undefined,
        guessed: false,
        floors: undefined,
        pending: [],
      }
      subscribers.add(subscriber)
      const index = filter === 'operators' ? operators : threadSet(filter.threadId)
      index.add(subscriber)
      const head = options.head(filter === 'operators' ? undefined : filter.threadId)
      head.then(
        (ids) => {
          if (filter !== 'operators') return release(subscriber, ids.thread)
          if (ids.operators.length > 1) subscriber.floors = ids.operators
          release(subscriber, oldest(ids.operators))
        },
        () => {
          subscriber.guessed = true
          release(subscriber, headFromClock())
        },
      )
      loop ??= run(head.then((ids) => oldest(ids.operators)))
      return () => {
        subscribers.delete(subscriber)
        index.delete(subscriber)
        if (filter !== 'operators' && index.size === 0 && byThread.get(filter.threadId) === index) {
          byThread.delete(filter.threadId)
        }
      }
    },
    async close() {
      closed = true
      subscribers.clear()
      operators.clear()
      byThread.clear()
      options.source.close()
      await loop
    },
  }

  function threadSet(threadId: string): Set<Subscriber> {
    let set = byThread.get(threadId)
    if (!set) {
      set = new Set()
      byThread.set(threadId, set)
    }
    return set
  }

  function reset(subscriber: Subscriber, reason: string): void {
    subscriber.last = restartCursor
    subscriber.guessed = false
    subscriber.floors = undefined
    try {
      subscriber.onReset?.(reason)
    } catch (error) {
      options.onError(error)
    }
  }

  function release(subscriber: Subscriber, last: string): void {
    subscriber.last = last
    const pending = subscriber.pending
    subscriber.pending = []
    for (const entry of pending) if (subscribers.has(subscriber)) deliver(subscriber, entry)
  }
}

/**
 * Whether `id` is newer than a given last id, remembering the last answer: the subscribers of a thread were
 * mostly all given the previous entry, so an entry's id is compared once, not once per subscriber.
 */
function newerThan(id: string): (last: string) => boolean {
  let asked: string | undefined
  let newer = false
  return (last) => {
    if (last !== asked) {
      asked = last
      newer = compareEventIds(id, last) > 0
    }
    return newer
  }
}

/** An id is past a subscriber's floors when it is above the floor of the shard it came from. */
function aboveFloor(subscriber: Subscriber, id: string): boolean {
  const floors = subscriber.floors ?? []
  const shard = shardOfEventId(id, floors.length)
  const floor = shard === undefined ? undefined : floors[shard]
  if (floor !== undefined && compareEventIds(id, floor) <= 0) return false
  // Past every floor: from here on the tail's order alone decides.
  if (floors.every((f) => compareEventIds(id, f) > 0)) subscriber.floors = undefined
  return true
}

/** The smallest of some ids ('0-0' for none). */
function oldest(ids: readonly string[]): string {
  return ids.reduce((a, b) => (compareEventIds(a, b) <= 0 ? a : b), ids[0] ?? '0-0')
}

/**
 * Reads one operators' stream with a blocking XREAD on its own connection. With `durable`, resolves entries only
 * once they are on enough replicas (else rejects, and the tail reads them again).
 *
 * @example
 * const source = createStreamSource({ blocking, key: 'flowchat:{o0}:ops', blockMs: 5000, batch: 500 })
 */
export function createStreamSource(options: {
  blocking: RedisClient
  key: string
  blockMs: number
  batch: number
  durable?: ((redis: RedisClient) => Promise<void>) | undefined
}): OperatorsSource {
  return {
    async next(cursor) {
      const reply = await options.blocking.xread(
        'COUNT',
        options.batch,
        'BLOCK',
        options.blockMs,
        'STREAMS',
        options.key,
        cursor,
      )
      const entries = reply === null ? [] : toEntries(reply[0]?.[1] ?? [])
      if (entries.length > 0 && options.durable) await options.durable(options.blocking)
      return entries
    },
    async intact(cursor) {
      // If the cursor's entry is gone, entries after it may be gone too.
      const still = await options.blocking.xrange(options.key, cursor, cursor, 'COUNT', 1)
      return still.length > 0
    },
    ready: () => whenReady(options.blocking, options.blockMs),
    close: () => void closeRedisConnection(options.blocking),
  }
}

/**
 * The envelopes of one entry, parsed at most once: under the operators' stream id and under the thread stream's id.
 */
function envelopes(entry: StoredEntry): { operators: () => EventEnvelope; thread: () => EventEnvelope } {
  let stored: Omit<EventEnvelope, 'id'> | undefined
  let forOperators: EventEnvelope | undefined
  let forThread: EventEnvelope | undefined
  const parse = () => (stored ??= JSON.parse(entry.json) as Omit<EventEnvelope, 'id'>)
  return {
    // The id goes first so the SSE data reads like every other envelope.
    operators: () => (forOperators ??= { id: entry.id, ...parse() }),
    thread: () => (forThread ??= { id: entry.threadEventId, ...parse() }),
  }
}
