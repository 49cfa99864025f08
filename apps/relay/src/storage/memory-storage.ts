import { compareEventIds, createIdGenerator } from './event-id.js'
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

/** The bytes of one appended event, shared by its entries in its thread's stream and the operators' stream. */
interface Payload {
  size: number
  /** Entries still holding it; its bytes are released with the last one. */
  refs: number
}

/** What a stream knows of each of its events besides the event; holds no reference to the event itself. */
interface Entry {
  /** Time stored, for age retention. */
  at: number
  payload: Payload
  /** Set once trimmed from its stream, so the global order can skip it. */
  gone: boolean
  stream: Stream
}

interface Stream {
  /** Its events from `head` on, oldest first; slots before `head` are trimmed (cleared, compacted now and then). */
  events: (EventEnvelope | undefined)[]
  /** Parallel to `events`. */
  entries: (Entry | undefined)[]
  /**
   * Index of the oldest retained event. Trimming moves it instead of splicing the arrays, which copied the whole
   * stream on every append once a stream was full (the operators' stream always is): O(retained) per event.
   */
  head: number
  /** The newest id ever stored here, kept after trimming: resuming from it has missed nothing. */
  lastId: string | undefined
}

/** Retained events of a stream. */
const retained = (s: Stream): number => s.events.length - s.head

/** Drops a stream's `count` oldest slots (already released), compacting once the dead prefix dominates. */
function advance(s: Stream, count: number): void {
  for (let i = s.head; i < s.head + count; i++) {
    s.events[i] = undefined
    s.entries[i] = undefined
  }
  s.head += count
  if (s.head === s.events.length) {
    s.events = []
    s.entries = []
    s.head = 0
  } else if (s.head >= 1024 && s.head * 2 >= s.events.length) {
    s.events = s.events.slice(s.head)
    s.entries = s.entries.slice(s.head)
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

const streamName = (stream: StreamKey): string =>
  stream === 'operators' ? 'operators' : `t:${stream.thread}`

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
  const streams = new Map<string, Stream>()
  /**
   * Listeners by stream name, apart from the logs: subscribing to a thread nobody writes to (most idle visitors)
   * creates no log entry.
   */
  const listeners = new Map<string, Listeners>()
  /** Dedupe keys in insertion order, so the oldest are forgotten first. */
  const keys = new Map<string, { result: AppendResult; at: number }>()
  /** When the oldest dedupe key expires by age: until then (and under `maxKeys`) none is looked at. */
  let keysExpireAt = Infinity
  /** Every entry in append order (oldest from `head`), for trimming by bytes across streams. */
  let order: Entry[] = []
  let head = 0
  /** Entries held by streams now, and the bytes of their payloads. */
  let held = 0
  let bytes = 0
  let closed = false
  let lastSweep = config.now()

  /** The stream of that name (see `streamName`), created empty if need be. */
  function get(name: string): Stream {
    let s = streams.get(name)
    if (!s) {
      s = { events: [], entries: [], head: 0, lastId: undefined }
      streams.set(name, s)
    }
    return s
  }

  function drop(entry: Entry): void {
    entry.gone = true
    held--
    if (--entry.payload.refs === 0) bytes -= entry.payload.size
  }

  function trim(s: Stream, now: number): void {
    const size = retained(s)
    let count = Math.max(0, size - config.maxEvents)
    while (count < size && now - (s.entries[s.head + count] as Entry).at > config.maxAgeMs) count++
    if (count === 0) return
    for (let i = s.head; i < s.head + count; i++) drop(s.entries[i] as Entry)
    advance(s, count)
  }

  /**
   * Drops the oldest entries of any stream until the bytes fit, then forgets what the order still lists of them.
   * The event just appended stays, even alone over the bound: an append that resolved is readable.
   */
  function trimBytes(newest: Payload): void {
    while (bytes > config.maxBytes && head < order.length) {
      const entry = order[head] as Entry
      if (entry.payload === newest) break
      head++
      // Older entries of its stream went before it, so a live entry is its stream's first.
      const s = entry.stream
      if (!entry.gone && s.entries[s.head] === entry) {
        drop(entry)
        advance(s, 1)
      }
    }
    if (head > 1024 && head * 2 > order.length) {
      order = order.slice(head)
      head = 0
    }
    // Entries trimmed by count or age stay listed until the order reaches them: compact when they dominate.
    if (order.length - head > 2 * held + 1024) {
      order = order.slice(head).filter((entry) => !entry.gone)
      head = 0
    }
  }

  function forgetKeys(now: number): void {
    if (keys.size <= config.maxKeys && now <= keysExpireAt) return
    keysExpireAt = Infinity
    for (const [key, entry] of keys) {
      if (keys.size <= config.maxKeys && now - entry.at <= config.maxAgeMs) {
        keysExpireAt = entry.at + config.maxAgeMs
        break
      }
      keys.delete(key)
    }
  }

  /** Stream entries of idle threads go away; the id generator is global, so new ids still increase. */
  function release(name: string, s: Stream): void {
    if (retained(s) === 0) streams.delete(name)
  }

  /** Now and then, trims every stream by age so idle threads do not hold memory until someone reads them. */
  function sweep(now: number): void {
    if (now - lastSweep < Math.min(config.maxAgeMs, 60_000)) return
    lastSweep = now
    for (const [name, s] of streams) {
      trim(s, now)
      release(name, s)
    }
  }

  function push(
    stream: StreamKey,
    envelope: Omit<EventEnvelope, 'id'>,
    payload: Payload,
    now: number,
  ): string {
    // The name once: it keys both the log and the listeners.
    const name = streamName(stream)
    const s = get(name)
    const id = nextId()
    const event: EventEnvelope = { id, ...envelope }
    const entry: Entry = { at: now, payload, gone: false, stream: s }
    payload.refs++
    held++
    s.events.push(event)
    s.entries.push(entry)
    order.push(entry)
    s.lastId = id
    trim(s, now)
    const own = listeners.get(name)
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
      if (seen) return Promise.resolve({ ...seen.result, duplicate: true })
      const size = hint !== undefined && Number.isFinite(hint) && hint >= 0 ? hint : sizeOf(envelope)
      const payload: Payload = { size, refs: 0 }
      bytes += payload.size
      const threadEventId =
        envelope.threadId === null ? undefined : push({ thread: envelope.threadId }, envelope, payload, now)
      const operatorEventId = push('operators', envelope, payload, now)
      trimBytes(payload)
      const result: AppendResult =
        threadEventId === undefined
          ? { duplicate: false, operatorEventId }
          : { duplicate: false, threadEventId, operatorEventId }
      if (keys.size === 0) keysExpireAt = now + config.maxAgeMs
      keys.set(key, { result, at: now })
      return Promise.resolve(result)
    },

    read(stream: StreamKey, afterId: string, limit: number): Promise<ReadResult> {
      if (closed) return Promise.reject(new Error('The memory storage is closed.'))
      const name = streamName(stream)
      const s = streams.get(name)
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
      const s = streams.get(streamName(stream))
      if (s) trim(s, config.now())
      return Promise.resolve(s && retained(s) > 0 ? s.events.at(-1)?.id : undefined)
    },

    subscribe(stream: StreamKey, listener: Listener): () => void {
      const name = streamName(stream)
      // A wrapper per call, so the same function subscribed twice is also removed twice.
      const own: Listener = (event) => listener(event)
      let entry = listeners.get(name)
      if (!entry) {
        entry = { set: new Set(), list: undefined }
        listeners.set(name, entry)
      }
      entry.set.add(own)
      entry.list = undefined
      return () => {
        const now = listeners.get(name)
        if (!now?.set.delete(own)) return
        now.list = undefined
        if (now.set.size === 0) listeners.delete(name)
      }
    },

    usage: () => ({ bytes, events: held }),

    ready: () => Promise.resolve(!closed),

    close(): Promise<void> {
      closed = true
      listeners.clear()
      streams.clear()
      keys.clear()
      keysExpireAt = Infinity
      order = []
      head = 0
      held = 0
      bytes = 0
      return Promise.resolve()
    },

    readThreadRange(threadId, fromMs, toMs, limit, newestFirst = false): Promise<EventEnvelope[]> {
      if (closed) return Promise.reject(new Error('The memory storage is closed.'))
      const s = streams.get(streamName({ thread: threadId }))
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
  }
}

/** What the memory storage holds now (for metrics and tests). */
export interface MemoryUsage {
  /** Bytes of the events held, as counted against `maxBytes`. */
  usage(): { bytes: number; events: number }
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
