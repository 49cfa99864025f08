import type { Redis } from 'ioredis'
import { isEventId } from './event-id.js'
import { createRedisConnection, whenReady } from './redis-connection.js'
import { toEntries, toEnvelope } from './redis-entries.js'
import { appendScript, headScript, lastIdScript, readScript, runScript } from './redis-scripts.js'
import { createOperatorsTail, type OperatorsTail, type TailFilter } from './redis-tail.js'
import type {
  AppendInput,
  AppendResult,
  EventEnvelope,
  EventStorage,
  ReadResult,
  RetentionOptions,
  StreamKey,
} from './types.js'

/** Options of the Redis Streams backend. Retention applies to every stream, as in the memory backend. */
export interface RedisStorageOptions extends Partial<RetentionOptions> {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…`. */
  url: string
  /** Prefix of every key, so several relays (or tests) can share one Redis. Default `flowchat`. */
  keyPrefix?: string
  /** Retention of the operators' stream, which carries every thread. Default: `maxEvents`. */
  operatorsMaxEvents?: number
  /** How long a retried webhook is recognised. Default: `maxAgeMs`, as long as its event is retained. */
  dedupeTtlMs?: number
  /** Longest wait for one command; then the append rejects and the webhook answers 503. Default 2000. */
  commandTimeoutMs?: number
  /** Longest wait for a connection (startup, reconnect) before a command fails. Default 1000. */
  connectWaitMs?: number
  /** How long one blocking XREAD of the live tail waits. Default 5000. */
  blockMs?: number
  /** Connection and listener errors, for logs. Default: one `console.warn` per distinct message in a row. */
  onError?: (error: unknown) => void
}

const defaults = {
  keyPrefix: 'flowchat',
  maxEvents: 1000,
  maxAgeMs: 24 * 60 * 60 * 1000,
  commandTimeoutMs: 2_000,
  connectWaitMs: 1_000,
  blockMs: 5_000,
} satisfies Partial<RedisStorageOptions>

/** Most entries one XREAD of the live tail takes. */
const tailBatch = 500

/**
 * The event log on Redis Streams, shared by every relay instance pointed at the same Redis and prefix:
 * `<prefix>:thread:<threadId>` per thread, `<prefix>:ops` with every event, `<prefix>:dedupe:<key>` per
 * stored webhook. Ids are the stream ids. Each instance holds two connections: one for commands, and one
 * blocking XREAD over the operators' stream that feeds all of its live subscribers.
 *
 * While Redis is unreachable, `append`, `read` and `lastId` reject within about a second (the webhook answers
 * 503 and Flow.ai retries), `ready()` is false, and subscriptions stay in place: the live tail resumes from
 * the last id it saw once Redis answers again.
 *
 * @example
 * const storage = createRedisStorage({ url: 'redis://127.0.0.1:6379', maxEvents: 1000, maxAgeMs: 86_400_000 })
 * const { threadEventId } = await storage.append({ key: deliveryId, envelope })
 */
export function createRedisStorage(options: RedisStorageOptions): EventStorage {
  const config = { ...defaults, ...stripUndefined(options) }
  const operatorsMaxEvents = config.operatorsMaxEvents ?? config.maxEvents
  const dedupeTtlMs = config.dedupeTtlMs ?? config.maxAgeMs
  const onError = config.onError ?? warnOnChange()
  const prefix = config.keyPrefix
  const operatorsKey = `${prefix}:ops`
  const streamKey = (stream: StreamKey) =>
    stream === 'operators' ? operatorsKey : `${prefix}:thread:${stream.thread}`

  const commands = createRedisConnection({
    url: options.url,
    name: `${prefix}-relay`,
    commandTimeoutMs: config.commandTimeoutMs,
    onError,
  })
  let tail: OperatorsTail | undefined
  let connecting: Promise<void> | undefined
  let closed = false

  /**
   * Runs `send` on the commands connection. When it is ready, synchronously: commands go out in call order,
   * which the live tail relies on (a subscribe's starting point is asked before any later append).
   */
  function withCommands<T>(send: (redis: Redis) => Promise<T>): Promise<T> {
    if (closed) return Promise.reject(new Error('redis storage: closed'))
    if (commands.status === 'ready') return send(commands)
    // One wait shared by every caller: callbacks of one promise run in the order they were added.
    connecting ??= whenReady(commands, config.connectWaitMs).finally(() => (connecting = undefined))
    return connecting.then(() => send(commands))
  }

  /** Where a new live subscription starts: the newest ids of the operators' stream and of its thread. */
  const head = (threadId: string | undefined) =>
    withCommands(async (redis) => {
      const keys = threadId === undefined ? [operatorsKey] : [operatorsKey, streamKey({ thread: threadId })]
      const reply = await runScript(redis, headScript, keys, [])
      const [operators, thread] = Array.isArray(reply) ? (reply as unknown[]) : []
      if (typeof operators !== 'string' || typeof thread !== 'string') {
        throw new Error('redis storage: unexpected head reply')
      }
      return { operators, thread }
    })

  /** A subscriber's own stream after an id, for the live tail's catch-up after a gap. */
  const after = (filter: TailFilter, afterId: string, limit: number) =>
    withCommands(async (redis) => {
      const key = streamKey(filter === 'operators' ? 'operators' : { thread: filter.threadId })
      return toEntries(await redis.xrange(key, `(${afterId}`, '+', 'COUNT', limit))
    })

  function liveTail(): OperatorsTail {
    tail ??= createOperatorsTail({
      blocking: createRedisConnection({
        url: options.url,
        name: `${prefix}-relay-tail`,
        commandTimeoutMs: undefined,
        onError,
      }),
      key: operatorsKey,
      head,
      after,
      blockMs: config.blockMs,
      batch: tailBatch,
      onError,
    })
    return tail
  }

  return {
    append({ key, envelope }: AppendInput): Promise<AppendResult> {
      // An id that slipped into the envelope must not shadow the stream id when read back.
      const { id: _id, ...stored } = envelope as Omit<EventEnvelope, 'id'> & { id?: unknown }
      const keys = [`${prefix}:dedupe:${key}`, operatorsKey]
      if (envelope.threadId !== null) keys.push(streamKey({ thread: envelope.threadId }))
      const args = [
        JSON.stringify(stored),
        envelope.threadId ?? '',
        dedupeTtlMs,
        config.maxEvents,
        operatorsMaxEvents,
        config.maxAgeMs,
      ]
      return withCommands((redis) => runScript(redis, appendScript, keys, args)).then(toAppendResult)
    },

    async read(stream: StreamKey, afterId: string, limit: number): Promise<ReadResult> {
      if (!isEventId(afterId)) return { reset: true, reason: `"${afterId}" is not an event id` }
      const count = Math.max(0, Math.floor(limit))
      const reply = await withCommands((redis) =>
        runScript(redis, readScript, [streamKey(stream)], [afterId, count, config.maxAgeMs]),
      )
      if (reply === null) return { reset: true, reason: `event ${afterId} is not in the retained log` }
      return { reset: false, events: toEntries(reply).map((entry) => toEnvelope(entry.json, entry.id)) }
    },

    async lastId(stream: StreamKey): Promise<string | undefined> {
      const reply = await withCommands((redis) =>
        runScript(redis, lastIdScript, [streamKey(stream)], [config.maxAgeMs]),
      )
      return typeof reply === 'string' ? reply : undefined
    },

    subscribe(stream: StreamKey, listener: (event: EventEnvelope) => void): () => void {
      if (closed) return () => undefined
      return liveTail().subscribe(
        stream === 'operators' ? 'operators' : { threadId: stream.thread },
        listener,
      )
    },

    async ready(): Promise<boolean> {
      try {
        return (await withCommands((redis) => redis.ping())) === 'PONG'
      } catch {
        return false
      }
    },

    async close(): Promise<void> {
      if (closed) return
      closed = true
      await tail?.close()
      // QUIT lets commands in flight finish; when Redis is unreachable there is nothing to wait for.
      await commands.quit().catch(() => commands.disconnect())
    },
  }
}

function toAppendResult(reply: unknown): AppendResult {
  if (!Array.isArray(reply) || reply.length !== 3) throw new Error('redis storage: unexpected append reply')
  const [duplicate, threadEventId, operatorEventId] = reply as [unknown, unknown, unknown]
  if (typeof threadEventId !== 'string' || typeof operatorEventId !== 'string') {
    throw new Error('redis storage: unexpected append reply')
  }
  return {
    duplicate: duplicate === 1,
    ...(threadEventId === '' ? {} : { threadEventId }),
    operatorEventId,
  }
}

/** Logs an error unless it repeats the previous one: a Redis outage is one line, not one per reconnect. */
function warnOnChange(): (error: unknown) => void {
  let last = ''
  return (error) => {
    const message = error instanceof Error ? error.message : String(error)
    if (message === last) return
    last = message
    console.warn(`flowchat relay: redis storage: ${message}`)
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
