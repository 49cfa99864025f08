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
  /** Most dedupe keys remembered at once (oldest forgotten first). Default 100 000. */
  maxKeys?: number
  /** Injected clock for tests. Default `Date.now`. */
  now?: () => number
}

const defaults = {
  maxEvents: 1000,
  maxAgeMs: 24 * 60 * 60 * 1000,
  maxKeys: 100_000,
  now: Date.now,
} satisfies Required<MemoryStorageOptions>

interface Stream {
  events: EventEnvelope[]
  /** Time each event was stored, parallel to `events`, for age retention. */
  storedAt: number[]
  /** The newest id ever stored here, kept after trimming: resuming from it has missed nothing. */
  lastId: string | undefined
}

type Listener = (event: EventEnvelope) => void

const streamName = (stream: StreamKey): string =>
  stream === 'operators' ? 'operators' : `t:${stream.thread}`

/**
 * The embedded event log of one relay process. Retention per stream by count and age; dedupe keys are
 * remembered as long as events are retained (and at most `maxKeys` of them). Everything is lost on restart, so
 * a client resuming with an old id gets `reset`.
 *
 * @example
 * const storage = createMemoryStorage({ maxEvents: 500, maxAgeMs: 3_600_000 })
 * const { threadEventId } = await storage.append({ key, envelope })
 */
export function createMemoryStorage(options: MemoryStorageOptions = {}): EventStorage {
  const config = { ...defaults, ...stripUndefined(options) }
  const nextId = createIdGenerator(config.now)
  const streams = new Map<string, Stream>()
  /**
   * Listeners by stream name, apart from the logs: subscribing to a thread nobody writes to (most idle visitors)
   * creates no log entry.
   */
  const listeners = new Map<string, Set<Listener>>()
  /** Dedupe keys in insertion order, so the oldest are forgotten first. */
  const keys = new Map<string, { result: AppendResult; at: number }>()
  let closed = false
  let lastSweep = config.now()

  function get(stream: StreamKey): Stream {
    const name = streamName(stream)
    let s = streams.get(name)
    if (!s) {
      s = { events: [], storedAt: [], lastId: undefined }
      streams.set(name, s)
    }
    return s
  }

  function trim(s: Stream, now: number): void {
    let drop = Math.max(0, s.events.length - config.maxEvents)
    while (drop < s.storedAt.length && now - (s.storedAt[drop] as number) > config.maxAgeMs) drop++
    if (drop > 0) {
      s.events.splice(0, drop)
      s.storedAt.splice(0, drop)
    }
  }

  function forgetKeys(now: number): void {
    for (const [key, entry] of keys) {
      if (keys.size <= config.maxKeys && now - entry.at <= config.maxAgeMs) break
      keys.delete(key)
    }
  }

  /** Stream entries of idle threads go away; the id generator is global, so new ids still increase. */
  function release(name: string, s: Stream): void {
    if (s.events.length === 0) streams.delete(name)
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

  function push(stream: StreamKey, envelope: Omit<EventEnvelope, 'id'>, now: number): string {
    const name = streamName(stream)
    const s = get(stream)
    const id = nextId()
    const event: EventEnvelope = { id, ...envelope }
    s.events.push(event)
    s.storedAt.push(now)
    s.lastId = id
    trim(s, now)
    const own = listeners.get(name)
    // A copy: a listener subscribed while this event is handed out starts with the next one.
    for (const listener of own ? [...own] : []) {
      try {
        listener(event)
      } catch {
        // One broken listener must not stop the others or fail the append that was already stored.
      }
    }
    return id
  }

  return {
    append({ key, envelope }: AppendInput): Promise<AppendResult> {
      if (closed) return Promise.reject(new Error('The memory storage is closed.'))
      const now = config.now()
      forgetKeys(now)
      sweep(now)
      const seen = keys.get(key)
      if (seen) return Promise.resolve({ ...seen.result, duplicate: true })
      const threadEventId =
        envelope.threadId === null ? undefined : push({ thread: envelope.threadId }, envelope, now)
      const operatorEventId = push('operators', envelope, now)
      const result: AppendResult = {
        duplicate: false,
        ...(threadEventId === undefined ? {} : { threadEventId }),
        operatorEventId,
      }
      keys.set(key, { result, at: now })
      return Promise.resolve(result)
    },

    read(stream: StreamKey, afterId: string, limit: number): Promise<ReadResult> {
      if (closed) return Promise.reject(new Error('The memory storage is closed.'))
      const name = streamName(stream)
      const s = streams.get(name)
      if (s) trim(s, config.now())
      if (s && s.lastId === afterId) return Promise.resolve({ reset: false, events: [] })
      const index = s ? binarySearch(s.events, afterId) : -1
      if (!s || index < 0) {
        return Promise.resolve({ reset: true, reason: `event ${afterId} is not in the retained log` })
      }
      return Promise.resolve({
        reset: false,
        events: s.events.slice(index + 1, index + 1 + Math.max(0, limit)),
      })
    },

    lastId(stream: StreamKey): Promise<string | undefined> {
      const s = streams.get(streamName(stream))
      if (s) trim(s, config.now())
      return Promise.resolve(s?.events.at(-1)?.id)
    },

    subscribe(stream: StreamKey, listener: Listener): () => void {
      const name = streamName(stream)
      let set = listeners.get(name)
      if (!set) {
        set = new Set()
        listeners.set(name, set)
      }
      // A wrapper per call, so the same function subscribed twice is also removed twice.
      const own: Listener = (event) => listener(event)
      set.add(own)
      return () => {
        const now = listeners.get(name)
        if (!now?.delete(own)) return
        if (now.size === 0) listeners.delete(name)
      }
    },

    ready: () => Promise.resolve(!closed),

    close(): Promise<void> {
      closed = true
      listeners.clear()
      streams.clear()
      keys.clear()
      return Promise.resolve()
    },
  }
}

/** Index of `id` in events sorted by id, or -1. */
function binarySearch(events: EventEnvelope[], id: string): number {
  let lo = 0
  let hi = events.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const cmp = compareEventIds((events[mid] as EventEnvelope).id, id)
    if (cmp === 0) return mid
    if (cmp < 0) lo = mid + 1
    else hi = mid - 1
  }
  return -1
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
