import { isEventId } from './event-id.js'
import {
  checkRedisTarget,
  createRedisConnection,
  whenReady,
  type RedisClient,
  type RedisNodeAddress,
} from './redis-connection.js'
import { toEntries, toEnvelope } from './redis-entries.js'
import { createRedisKeys } from './redis-keys.js'
import { appendScript, lastIdScript, readScript, runScript, runScriptAndWait } from './redis-scripts.js'
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
  /**
   * `redis://[user:password@]host:port[/db]` or `rediss://…`: the one Redis server. With `sentinels` or
   * `clusterNodes`, only its credentials (and db) are used.
   */
  url?: string
  /** Sentinels to ask for the master named `masterName` (ioredis' Sentinel support); instead of a server `url`. */
  sentinels?: readonly RedisNodeAddress[]
  /** The master's name in the sentinels' `sentinel monitor` line. Required with `sentinels`. */
  masterName?: string
  /** Nodes of a Redis Cluster (any of them; the rest is discovered); instead of a server `url`. */
  clusterNodes?: readonly RedisNodeAddress[]
  /**
   * Replicas that must confirm each append (`WAIT`) before it resolves; when fewer confirm within
   * `replicaWaitMs` the append rejects (the webhook answers 503 with Retry-After and Flow.ai retries), so an
   * acknowledged event survives the loss of the master. Live subscribers are then also given only events the
   * replicas hold. Default 0 (no wait).
   */
  minReplicas?: number
  /** How long an append waits for `minReplicas`. Default 500. */
  replicaWaitMs?: number
  /**
   * Prefix of every key, so several relays (or tenants, or tests) can share one Redis. No `{` or `}`.
   * Default `flowchat`.
   */
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
  minReplicas: 0,
  replicaWaitMs: 500,
} satisfies Partial<RedisStorageOptions>

/** Most entries one XREAD of the live tail takes. */
const tailBatch = 500

/**
 * The event log on Redis Streams, shared by every relay instance pointed at the same Redis and prefix: one
 * stream per thread, one operators' stream with every event, a dedupe key per stored webhook or send, all
 * hash-tagged into one slot (see `createRedisKeys`), so it runs on one server, on a Sentinel-managed master
 * (`sentinels`, `masterName`) or on Redis Cluster (`clusterNodes`). Ids are the stream ids. Each instance holds
 * two connections: one for commands, and one blocking XREAD over the operators' stream that feeds all of its
 * live subscribers.
 *
 * With `minReplicas`, each append waits for that many replicas (`WAIT`) and rejects when they do not confirm
 * in time; the live tail likewise hands out only entries the replicas confirmed. A failover then loses no
 * event that was acknowledged or seen by a client.
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
  const target = {
    url: options.url,
    sentinels: options.sentinels,
    masterName: options.masterName,
    clusterNodes: options.clusterNodes,
  }
  checkRedisTarget(target)
  for (const name of ['minReplicas', 'replicaWaitMs'] as const) {
    const value = config[name]
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new Error(`redis storage: ${name}: must be an integer of 0 or more`)
    }
  }
  if (config.minReplicas > 0 && config.replicaWaitMs >= config.commandTimeoutMs) {
    // Else the command timeout cuts the WAIT short, and the answer is a timeout instead of the replica count.
    throw new Error('redis storage: replicaWaitMs: must be shorter than commandTimeoutMs')
  }
  const operatorsMaxEvents = config.operatorsMaxEvents ?? config.maxEvents
  const dedupeTtlMs = config.dedupeTtlMs ?? config.maxAgeMs
  const onError = config.onError ?? warnOnChange()
  const prefix = config.keyPrefix
  const keys = createRedisKeys(prefix, 1)
  const operatorsKey = keys.operators(0)
  const streamKey = (stream: StreamKey) =>
    stream === 'operators' ? operatorsKey : keys.thread(stream.thread)

  /**
   * Resolves once everything the connection has seen so far is on `minReplicas` replicas: a write of its own
   * (after those entries in the replication stream), then `WAIT` for it.
   */
  async function durable(redis: RedisClient): Promise<void> {
    const pipeline = redis.pipeline()
    pipeline.set(keys.sync(0), '1', 'PX', 60_000)
    pipeline.wait(config.minReplicas, config.replicaWaitMs)
    const results = await pipeline.exec()
    const replicas = results?.[1]?.[1]
    const failure = results?.find(([error]) => error)?.[0]
    if (failure) throw failure
    if (typeof replicas !== 'number' || replicas < config.minReplicas) {
      throw replicaError(typeof replicas === 'number' ? replicas : 0)
    }
  }

  const replicaError = (replicas: number) =>
    new Error(
      `redis storage: ${replicas} of ${config.minReplicas} replicas confirmed within ${config.replicaWaitMs} ms (minReplicas)`,
    )

  const commands = createRedisConnection({
    target,
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
  function withCommands<T>(send: (redis: RedisClient) => Promise<T>): Promise<T> {
    if (closed) return Promise.reject(new Error('redis storage: closed'))
    if (commands.status === 'ready') return send(commands)
    // One wait shared by every caller: callbacks of one promise run in the order they were added.
    connecting ??= whenReady(commands, config.connectWaitMs).finally(() => (connecting = undefined))
    return connecting.then(() => send(commands))
  }

  /** Where a new live subscription starts: the newest ids of the operators' stream and of its thread. */
  const head = (threadId: string | undefined) =>
    withCommands(async (redis) => {
      // MULTI, not a script: a script Redis does not know yet (NOSCRIPT) would be re-sent after the appends that
      // followed it, and "from now on" would skip them. MULTI goes out at once and reads both streams together.
      const multi = redis.multi().xrevrange(operatorsKey, '+', '-', 'COUNT', 1)
      if (threadId !== undefined) multi.xrevrange(streamKey({ thread: threadId }), '+', '-', 'COUNT', 1)
      const replies = await multi.exec()
      const newest = (index: number) => {
        const [error, entries] = replies?.[index] ?? [new Error('redis storage: no answer to the head read')]
        if (error) throw error
        if (!Array.isArray(entries)) throw new Error('redis storage: unexpected head reply')
        const first: unknown = entries[0]
        return Array.isArray(first) && typeof first[0] === 'string' ? first[0] : '0-0'
      }
      return { operators: newest(0), thread: threadId === undefined ? '0-0' : newest(1) }
    })

  /** A subscriber's own stream after an id, for the live tail's catch-up after a gap. */
  const after = (filter: TailFilter, afterId: string, limit: number) =>
    withCommands(async (redis) => {
      const key = streamKey(filter === 'operators' ? 'operators' : { thread: filter.threadId })
      const entries = toEntries(await redis.xrange(key, `(${afterId}`, '+', 'COUNT', limit))
      if (config.minReplicas > 0 && entries.length > 0) await durable(redis)
      return entries
    })

  function liveTail(): OperatorsTail {
    tail ??= createOperatorsTail({
      blocking: createRedisConnection({
        target,
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
      durable: config.minReplicas > 0 ? durable : undefined,
    })
    return tail
  }

  return {
    append({ key, envelope }: AppendInput): Promise<AppendResult> {
      // An id that slipped into the envelope must not shadow the stream id when read back.
      // Copied only when there is one: the copy is per webhook, on the ingest path.
      const stored = 'id' in envelope ? withoutId(envelope) : envelope
      const scriptKeys = [keys.dedupe(envelope.threadId, key), operatorsKey]
      if (envelope.threadId !== null) scriptKeys.push(streamKey({ thread: envelope.threadId }))
      const args = [
        JSON.stringify(stored),
        envelope.threadId ?? '',
        dedupeTtlMs,
        config.maxEvents,
        operatorsMaxEvents,
        config.maxAgeMs,
      ]
      if (config.minReplicas === 0) {
        return withCommands((redis) => runScript(redis, appendScript, scriptKeys, args)).then(toAppendResult)
      }
      return withCommands(async (redis) => {
        const { reply, replicas } = await runScriptAndWait(
          redis,
          appendScript,
          scriptKeys,
          args,
          config.minReplicas,
          config.replicaWaitMs,
        )
        // Stored on the master but not confirmed: Flow.ai retries, and the retry finds the dedupe key (or, after a
        // failover that lost it, stores the event anew).
        if (replicas < config.minReplicas) throw replicaError(replicas)
        return toAppendResult(reply)
      })
    },

    async read(stream: StreamKey, afterId: string, limit: number): Promise<ReadResult> {
      if (!isEventId(afterId)) return { reset: true, reason: `"${afterId}" is not an event id` }
      const count = Math.max(0, Math.floor(limit))
      const reply = await withCommands(async (redis) => {
        const entries = await runScript(
          redis,
          readScript,
          [streamKey(stream)],
          [afterId, count, config.maxAgeMs],
        )
        // A client must not see an entry a failover can still lose: it would resume from an id that is gone.
        if (config.minReplicas > 0 && Array.isArray(entries) && entries.length > 0) await durable(redis)
        return entries
      })
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

function withoutId(envelope: Omit<EventEnvelope, 'id'> & { id?: unknown }): Omit<EventEnvelope, 'id'> {
  const { id: _id, ...stored } = envelope
  return stored
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
