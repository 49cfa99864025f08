import { compareEventIds, createIdGenerator } from './event-id.js'
import { createSendMarks } from './send-marks.js'
import type {
  AppendInput,
  AppendResult,
  EventEnvelope,
  EventStorage,
  ReadResult,
  RetentionOptions,
  StreamKey,
} from './types.js'

/** Options of the memory backend: retention per stream, plus bounds of its own. */
export interface MemoryStorageOptions extends Partial<RetentionOptions> {
  /**
   * Most bytes of events held at once, over every stream together; past it the oldest events are dropped first,
   * whatever their thread, and a reader behind them gets `reset`. An event counts the length of its JSON
   * once, though it sits in its thread's stream and in the operators' stream (both share it). Default 64 MiB.
   */
  maxBytes?: number
  /** Most dedupe keys remembered at once (oldest forgotten first). Default 100 000. */
  maxKeys?: number
  /** Injected clock for tests. Default `Date.now`. */
  now?: () => number
}

const defaults = {
  maxEvents: 1000,
  maxAgeMs: 24 * 60 * 60 * 1000,
  maxBytes: 64 * 1024 * 1024,
  maxKeys: 100_000,
  now: Date.now,
} satisfies Required<MemoryStorageOptions>

/**
 * One append: what it counts against `maxBytes`, the streams that hold its event, and the ids a retry of it is
 * answered with. One object per append serves as its dedupe entry, its place in the global order and its slot in
 * both streams: every object an append leaves behind is one more for the garbage collector to copy and mark.
 */
interface Stored {
  /** Time stored, for age retention of its events and of its dedupe key. */
  at: number
  size: number
  /** Its thread's stream (undefined for a project event, and once no stream holds its event). */
  thread: Stream | undefined
  /** Streams that still hold its event (its thread's and the operators'); its bytes are released at 0. */
  streams: number
  threadEventId: string | undefined
  operatorEventId: string
}

interface Stream {
  /** Its events from `head` on, oldest first; slots before `head` are trimmed (cleared, compacted now and then). */
  events: (EventEnvelope | undefined)[]
  /** Parallel to `events`: the append each came from. */
  stored: (Stored | undefined)[]
  /**
   * Index of the oldest retained event. Trimming moves it instead of splicing the arrays, which copied the whole
   * stream on every append once a stream was full (the operators' stream always is): O(retained) per event.
   */
  head: number
  /** The newest id ever stored here, kept after trimming: resuming from it has missed nothing. */
  lastId: string | undefined
}

const emptyStream = (): Stream => ({ events: [], stored: [], head: 0, lastId: undefined })

/** Retained events of a stream. */
const retained = (s: Stream): number => s.events.length - s.head

/** Drops a stream's `count` oldest slots (already released), compacting once the dead prefix dominates. */
function advance(s: Stream, count: number): void {
  for (let i = s.head; i < s.head + count; i++) {
    s.events[i] = undefined
    s.stored[i] = undefined
  }
  s.head += count
  if (s.head === s.events.length) {
    s.events = []
    s.stored = []
    s.head = 0
  } else if (s.head >= 1024 && s.head * 2 >= s.events.length) {
    s.events = s.events.slice(s.head)
    s.stored = s.stored.slice(s.head)
    s.head = 0
  }
}

type Listener = (event: EventEnvelope) => void

/**
 * A stream's listeners, and the list an append hands its event to: taken from the set on the first append after a
 * change, instead of a copy per event, so (un)subscribing stays O(1) and delivering allocates nothing.
 */
interface Listeners {
  set: Set<Listener>
  list: Listener[] | undefined
}

/**
 * Streams by key: threads by their id, the operators' stream apart, so finding a stream builds no name (a string
 * per append, hashed again on every lookup).
 */
interface ByStream<T> {
  threads: Map<string, T>
  operators: T | undefined
}

const byStream = <T>(): ByStream<T> => ({ threads: new Map(), operators: undefined })

const lookUp = <T>(all: ByStream<T>, stream: StreamKey): T | undefined =>
  stream === 'operators' ? all.operators : all.threads.get(stream.thread)

/**
 * The embedded event log of one relay process. Retention per stream by count and age, and over all streams
 * by bytes (the oldest events go first, whatever their thread); dedupe keys are remembered as long as events
 * are retained (and at most `maxKeys` of them). Everything is lost on restart, so a client resuming with an
 * old id gets `reset`.
 *
 * Memory: `maxBytes` counts each event's JSON length once. The process holds a little more than that per
 * event (object headers, the id, the dedupe entry: a few hundred bytes), which matters only for many small
 * events; `maxEvents` bounds those.
 *
 * @example
 * const storage = createMemoryStorage({ maxEvents: 500, maxAgeMs: 3_600_000, maxBytes: 32 * 1024 * 1024 })
 * const { threadEventId } = await storage.append({ key, envelope })
 */
export function createMemoryStorage(options: MemoryStorageOptions = {}): EventStorage & MemoryUsage {
  const config = { ...defaults, ...stripUndefined(options) }
  for (const name of ['maxEvents', 'maxAgeMs', 'maxBytes', 'maxKeys'] as const) {
    const value = config[name]
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`memory storage: ${name} must be a positive integer, got ${String(value)}`)
    }
  }
  const nextId = createIdGenerator(config.now)
  const streams = byStream<Stream>()
  /**
   * Listeners by stream, apart from the logs: subscribing to a thread nobody writes to (most idle visitors)
   * creates no log entry.
   */
  const listeners = byStream<Listeners>()
  /** Dedupe keys in insertion order, so the oldest are forgotten first. */
  const keys = new Map<string, Stored>()
  /** When the oldest dedupe key expires by age: until then (and under `maxKeys`) none is looked at. */
  let keysExpireAt = Infinity
  /** Every append in order (oldest from `head`), for trimming by bytes across streams. */
  let order: Stored[] = []
  let head = 0
  /** Events held by streams now (an append's event counts once per stream), and the bytes of their appends. */
  let held = 0
  let bytes = 0
  let closed = false
  let lastSweep = config.now()
  /** Sends under way: this process's only, as everything here is. */
  const sendMarks = createSendMarks(config.now)

  /** The stream of that thread, created empty if need be. */
  function threadStream(threadId: string): Stream {
    let s = streams.threads.get(threadId)
    if (!s) {
      s = emptyStream()
      streams.threads.set(threadId, s)
    }
    return s
  }

  /** One stream lets go of the event of `stored`. */
  function drop(stored: Stored): void {
    held--
    if (--stored.streams === 0) {
      bytes -= stored.size
      // Its dedupe entry may outlive it: it must not keep a released stream alive.
      stored.thread = undefined
    }
  }

  function trim(s: Stream, now: number): void {
    const size = retained(s)
    let count = Math.max(0, size - config.maxEvents)
    while (count < size && now - (s.stored[s.head + count] as Stored).at > config.maxAgeMs) count++
    if (count === 0) return
    for (let i = s.head; i < s.head + count; i++) drop(s.stored[i] as Stored)
    advance(s, count)
  }

  /** Takes the event of `stored` out of `s` when it is that stream's oldest (it is, unless trimmed there already). */
  function dropOldest(s: Stream | undefined, stored: Stored): void {
    if (s !== undefined && s.stored[s.head] === stored) {
      drop(stored)
      advance(s, 1)
    }
  }

  /**
   * Drops the oldest appends of any stream until the bytes fit, then forgets what the order still lists of them.
   * The event just appended stays, even alone over the bound: an append that resolved is readable.
   */
  function trimBytes(newest: Stored): void {
    while (bytes > config.maxBytes && head < order.length) {
      const stored = order[head] as Stored
      if (stored === newest) break
      head++
      // Older appends went before it, so where its event is still held it is its stream's oldest.
      if (stored.streams === 0) continue
      dropOldest(stored.thread, stored)
      dropOldest(streams.operators, stored)
    }
    if (head > 1024 && head * 2 > order.length) {
      order = order.slice(head)
      head = 0
    }
    // Appends trimmed by count or age stay listed until the order reaches them: compact when they dominate.
    if (order.length - head > 2 * held + 1024) {
      order = order.slice(head).filter((stored) => stored.streams > 0)
      head = 0
    }
  }

  function forgetKeys(now: number): void {
    if (keys.size <= config.maxKeys && now <= keysExpireAt) return
    keysExpireAt = Infinity
    for (const [key, stored] of keys) {
      if (keys.size <= config.maxKeys && now - stored.at <= config.maxAgeMs) {
        keysExpireAt = stored.at + config.maxAgeMs
        break
      }
      keys.delete(key)
    }
  }

  /** Now and then, trims every stream by age so idle threads do not hold memory until someone reads them. */
  function sweep(now: number): void {
    if (now - lastSweep < Math.min(config.maxAgeMs, 60_000)) return
    lastSweep = now
    // Streams of idle threads go away; the id generator is global, so new ids still increase.
    for (const [thread, s] of streams.threads) {
      trim(s, now)
      if (retained(s) === 0) streams.threads.delete(thread)
    }
    const ops = streams.operators
    if (ops) {
      trim(ops, now)
      if (retained(ops) === 0) streams.operators = undefined
    }
  }

  function push(
    s: Stream,
    own: Listeners | undefined,
    envelope: Omit<EventEnvelope, 'id'>,
    stored: Stored,
    now: number,
  ): string {
    const id = nextId()
    const event: EventEnvelope = { id, ...envelope }
    stored.streams++
    held++
    s.events.push(event)
    s.stored.push(stored)
    s.lastId = id
    trim(s, now)
    if (own !== undefined) {
      // The list as it is now: a listener subscribed while this event is handed out starts with the next one.
      own.list ??= [...own.set]
      for (const listener of own.list) {
        try {
          listener(event)
        } catch {
          // One broken listener must not stop the others or fail the append that was already stored.
        }
      }
    }
    return id
  }

  return {
    append({ key, envelope, bytes: hint }: AppendInput): Promise<AppendResult> {
      if (closed) return Promise.reject(new Error('The memory storage is closed.'))
      const now = config.now()
      forgetKeys(now)
      sweep(now)
      const seen = keys.get(key)
      if (seen) return Promise.resolve(resultOf(seen, true))
      const size = hint !== undefined && Number.isFinite(hint) && hint >= 0 ? hint : sizeOf(envelope)
      const stored: Stored = {
        at: now,
        size,
        thread: undefined,
        streams: 0,
        threadEventId: undefined,
        operatorEventId: '',
      }
      bytes += size
      order.push(stored)
      const { threadId } = envelope
      if (threadId !== null) {
        const s = threadStream(threadId)
        stored.thread = s
        stored.threadEventId = push(s, listeners.threads.get(threadId), envelope, stored, now)
      }
      streams.operators ??= emptyStream()
      stored.operatorEventId = push(streams.operators, listeners.operators, envelope, stored, now)
      trimBytes(stored)
      if (keys.size === 0) keysExpireAt = now + config.maxAgeMs
      keys.set(key, stored)
      return Promise.resolve(resultOf(stored, false))
    },

    read(stream: StreamKey, afterId: string, limit: number): Promise<ReadResult> {
      if (closed) return Promise.reject(new Error('The memory storage is closed.'))
      const s = lookUp(streams, stream)
      if (s) trim(s, config.now())
      if (s && s.lastId === afterId) return Promise.resolve({ reset: false, events: [] })
      const index = s ? binarySearch(s, afterId) : -1
      if (!s || index < 0) {
        return Promise.resolve({ reset: true, reason: `event ${afterId} is not in the retained log` })
      }
      return Promise.resolve({
        reset: false,
        events: s.events.slice(index + 1, index + 1 + Math.max(0, limit)) as EventEnvelope[],
      })
    },

    lastId(stream: StreamKey): Promise<string | undefined> {
      const s = lookUp(streams, stream)
      if (s) trim(s, config.now())
      return Promise.resolve(s && retained(s) > 0 ? s.events.at(-1)?.id : undefined)
    },

    subscribe(stream: StreamKey, listener: Listener): () => void {
      // A wrapper per call, so the same function subscribed twice is also removed twice.
      const own: Listener = (event) => listener(event)
      let entry = lookUp(listeners, stream)
      if (!entry) {
        entry = { set: new Set(), list: undefined }
        if (stream === 'operators') listeners.operators = entry
        else listeners.threads.set(stream.thread, entry)
      }
      entry.set.add(own)
      entry.list = undefined
      return () => {
        const now = lookUp(listeners, stream)
        if (!now?.set.delete(own)) return
        now.list = undefined
        if (now.set.size > 0) return
        if (stream === 'operators') listeners.operators = undefined
        else listeners.threads.delete(stream.thread)
      }
    },

    usage: () => ({ bytes, events: held }),

    ready: () => Promise.resolve(!closed),

    close(): Promise<void> {
      closed = true
      listeners.threads.clear()
      listeners.operators = undefined
      streams.threads.clear()
      streams.operators = undefined
      keys.clear()
      sendMarks.clearAll()
      keysExpireAt = Infinity
      order = []
      head = 0
      held = 0
      bytes = 0
      return Promise.resolve()
    },

    readThreadRange(threadId, fromMs, toMs, limit, newestFirst = false): Promise<EventEnvelope[]> {
      if (closed) return Promise.reject(new Error('The memory storage is closed.'))
      const s = streams.threads.get(threadId)
      if (!s) return Promise.resolve([])
      trim(s, config.now())
      const found: EventEnvelope[] = []
      if (newestFirst) {
        // The last event at or before `toMs` is the one before the first after it.
        for (let i = firstAtOrAfter(s, Math.floor(toMs) + 1) - 1; i >= s.head && found.length < limit; i--) {
          const event = s.events[i] as EventEnvelope
          if (timeOfId(event.id) < fromMs) break
          found.push(event)
        }
        return Promise.resolve(found)
      }
      for (let i = firstAtOrAfter(s, fromMs); i < s.events.length && found.length < limit; i++) {
        const event = s.events[i] as EventEnvelope
        if (timeOfId(event.id) > toMs) break
        found.push(event)
      }
      return Promise.resolve(found)
    },

    markSendUnderWay(threadId, sendId, ttlMs): Promise<void> {
      if (closed) return Promise.reject(new Error('The memory storage is closed.'))
      // A TTL that is no positive number throws: the executor turns that into the rejection.
      return new Promise((resolve) => resolve(sendMarks.mark(threadId, sendId, ttlMs)))
    },

    clearSendUnderWay(threadId, sendId): Promise<void> {
      sendMarks.clear(threadId, sendId)
      return Promise.resolve()
    },

    countSendsUnderWay(threadId): Promise<number> {
      if (closed) return Promise.reject(new Error('The memory storage is closed.'))
      return Promise.resolve(sendMarks.count(threadId))
    },
  }
}

/** What the memory storage holds now (for metrics and tests). */
export interface MemoryUsage {
  /** Bytes of the events held, as counted against `maxBytes`. */
  usage(): { bytes: number; events: number }
}

/** The answer to an append, or to a retry of it (`duplicate`). */
function resultOf(stored: Stored, duplicate: boolean): AppendResult {
  const { threadEventId, operatorEventId } = stored
  return threadEventId === undefined
    ? { duplicate, operatorEventId }
    : { duplicate, threadEventId, operatorEventId }
}

/** The bytes an event counts against `maxBytes`: the UTF-8 length of its JSON. */
function sizeOf(envelope: Omit<EventEnvelope, 'id'>): number {
  const json = JSON.stringify(envelope)
  return Buffer.byteLength(json, 'utf8')
}

/** Index of `id` among a stream's retained events (sorted by id), or -1. */
function binarySearch(s: Stream, id: string): number {
  const i = firstFrom(s, (at) => compareEventIds(at, id) < 0)
  return i < s.events.length && compareEventIds((s.events[i] as EventEnvelope).id, id) === 0 ? i : -1
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}

/** The `<ms>` part of an event id, as a number. */
function timeOfId(id: string): number {
  return Number(id.slice(0, id.indexOf('-')))
}

/** Index of a stream's first retained event whose id time is `ms` or later (`events.length` if none). */
function firstAtOrAfter(s: Stream, ms: number): number {
  return firstFrom(s, (id) => timeOfId(id) < ms)
}

/** Index of a stream's first retained event (sorted by id) whose id is not `before` (`events.length` if none). */
function firstFrom(s: Stream, before: (id: string) => boolean): number {
  let lo = s.head
  let hi = s.events.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (before((s.events[mid] as EventEnvelope).id)) lo = mid + 1
    else hi = mid
  }
  return lo
}
