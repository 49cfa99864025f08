import { Cluster, Redis } from 'ioredis'
import { compareEventIds, isEventId } from './event-id.js'
import { checkEviction } from './redis-eviction.js'
import {
  checkRedisTarget,
  closeRedisConnection,
  createRedisConnection,
  whenAllReady,
  type RedisClient,
  type RedisNodeAddress,
} from './redis-connection.js'
import { toEntries, toEnvelope } from './redis-entries.js'
import { createRedisKeys } from './redis-keys.js'
import {
  appendScript,
  countSendsScript,
  lastIdScript,
  markSendScript,
  readScript,
  runScript,
  runScriptAndWait,
} from './redis-scripts.js'
import { sendMarkTtl } from './send-marks.js'
import { readShards, readShardsOnce } from './redis-shard-merge.js'
import { createShardedSource } from './redis-sharded-source.js'
import { createOperatorsTail, createStreamSource, type OperatorsTail, type TailFilter } from './redis-tail.js'
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
  /** The sentinels' own ACL user and password, when they require them (the data nodes' come from `url`). */
  sentinelUsername?: string
  sentinelPassword?: string
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
  /**
   * Shards of the operators' stream, 1 to 1024 (default 1). Each thread lives in one shard (chosen by a stable hash
   * of its id): its stream, dedupe and `sent` keys and its shard's operators' stream share one hash slot, so on a
   * Redis Cluster the shards spread the appends over the masters. `/v1/events` reads every shard, merged in id
   * order: its ids stay `<ms>-<seq>` (the sequence tells the shard) and one id resumes across all shards. Changing
   * it moves threads to other keys, like a new `keyPrefix`: resuming clients get `reset`. The number is recorded
   * under `<prefix>:{o0}:shards` on first use, and a storage given another one is refused (`RedisStorageRefusal`):
   * instances with different numbers would each see only their own appends.
   */
  shards?: number
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
  shards: 1,
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
 * With `shards` > 1 the operators' stream is split over that many slots (a thread's keys in its shard's slot), and
 * read back as one stream merged in id order (see `readShardsOnce`); the live tail then holds one blocking
 * connection per shard.
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
    sentinelUsername: options.sentinelUsername,
    sentinelPassword: options.sentinelPassword,
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
  const keys = createRedisKeys(prefix, config.shards)
  const sharded = keys.shards > 1
  const operatorsKey = keys.operators(0)
  const streamKey = (stream: StreamKey) =>
    stream === 'operators' ? operatorsKey : keys.thread(stream.thread)
  const merge = {
    shards: keys.shards,
    key: (shard: number) => keys.operators(shard),
    trimmedKey: (shard: number) => keys.operatorsTrimmed(shard),
    maxAgeMs: config.maxAgeMs,
  }

  /**
   * Resolves once everything the connection has seen so far is on `minReplicas` replicas: a write of its own
   * (after those entries in the replication stream), then `WAIT` for it.
   */
  async function durable(redis: RedisClient, shard = 0): Promise<void> {
    const pipeline = redis.pipeline()
    pipeline.set(keys.sync(shard), '1', 'PX', 60_000)
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
  // Each later connection is checked again: a failover's new master may be configured otherwise.
  commands.on('ready', () => {
    if (connected) void checkEviction(commands, onError)
  })
  let tail: OperatorsTail | undefined
  let connecting: Promise<void> | undefined
  /** Connected to every node once (see `whenAllReady`), and the deployment checked (see `checkDeployment`). */
  let connected = false
  /** Set once the deployment was refused: every call then fails with it. */
  let refused: RedisStorageRefusal | undefined
  let closed = false

  /**
   * What connecting cannot tell: a `url` that names a Cluster node (it answers `MOVED` for most keys), a `shards`
   * other than the one the log under this prefix was written with, and fewer replicas than `minReplicas` (a
   * warning: every append would fail until enough connect).
   */
  async function checkDeployment(redis: RedisClient): Promise<void> {
    // INFO is only a hint here: a user whose ACL denies it (`-@dangerous`) still gets the storage.
    const info = (node: Redis, section: string) => node.info(section).catch(() => '')
    if (redis instanceof Redis && target.sentinels === undefined) {
      if (/^cluster_enabled:1\b/m.test(await info(redis, 'cluster'))) {
        throw new RedisStorageRefusal(
          'cluster-node',
          'redis storage: url: the server is a Redis Cluster node, which answers MOVED for keys of other nodes: ' +
            "give the cluster's nodes as clusterNodes",
        )
      }
    }
    const layoutKey = `${prefix}:{o0}:shards`
    const recorded =
      (await redis.set(layoutKey, String(keys.shards), 'NX')) === 'OK' ? null : await redis.get(layoutKey)
    if (recorded !== null && recorded !== String(keys.shards)) {
      throw new RedisStorageRefusal(
        'shards-changed',
        `redis storage: shards: ${keys.shards}, but the log under the prefix "${prefix}" is kept in ${recorded} ` +
          `shard(s) (key ${layoutKey}): instances with different numbers would each see only their own events. ` +
          `Give every instance ${recorded}; to change it (resuming clients then get reset), stop every instance ` +
          `and delete that key, or use a new key prefix`,
      )
    }
    if (config.minReplicas === 0) return
    const masters = redis instanceof Cluster ? redis.nodes('master') : [redis]
    for (const master of masters) {
      const replicas = /^connected_slaves:(\d+)/m.exec(await info(master, 'replication'))?.[1]
      if (replicas !== undefined && Number(replicas) < config.minReplicas) {
        const where =
          redis instanceof Cluster ? `the master ${master.options.host}:${master.options.port}` : 'the master'
        onError(
          new Error(
            `redis storage: minReplicas is ${config.minReplicas} but ${where} has ${replicas} replica(s) connected: ` +
              'every append fails (the webhook gets 503) until enough replicas connect',
          ),
        )
      }
    }
  }

  /**
   * Runs `send` on the commands connection. When it is ready, synchronously: commands go out in call order,
   * which the live tail relies on (a subscribe's starting point is asked before any later append).
   */
  function withCommands<T>(send: (redis: RedisClient) => Promise<T>): Promise<T> {
    if (closed) return Promise.reject(new Error('redis storage: closed'))
    if (refused) return Promise.reject(refused)
    if (commands.status === 'ready' && connected) return send(commands)
    // One wait shared by every caller: callbacks of one promise run in the order they were added.
    connecting ??= whenAllReady(commands, config.connectWaitMs)
      .then(() => (connected ? undefined : checkDeployment(commands)))
      .then(
        () => {
          connected = true
          void checkEviction(commands, onError)
        },
        (error: unknown) => {
          if (error instanceof RedisStorageRefusal) {
            refused = error
            onError(error)
          }
          throw error
        },
      )
      .finally(() => (connecting = undefined))
    return connecting.then(() => send(commands))
  }

  /**
   * Where a new live subscription starts over several shards: the newest id of each shard's operators' stream and
   * of the thread (read together with its own shard's, in one MULTI on their slot). The commands go out at once, in
   * call order on each node's connection, before any later append of this process.
   */
  const shardedHead = (threadId: string | undefined) =>
    withCommands(async (redis) => {
      const threadShard = threadId === undefined ? -1 : keys.shardOf(threadId)
      const newest = (entries: unknown) => {
        if (!Array.isArray(entries)) throw new Error('redis storage: unexpected head reply')
        const first: unknown = entries[0]
        return Array.isArray(first) && typeof first[0] === 'string' ? first[0] : '0-0'
      }
      let thread = '0-0'
      const operators = await Promise.all(
        Array.from({ length: keys.shards }, async (_, shard) => {
          if (shard !== threadShard)
            return newest(await redis.xrevrange(keys.operators(shard), '+', '-', 'COUNT', 1))
          const replies = await redis
            .multi()
            .xrevrange(keys.operators(shard), '+', '-', 'COUNT', 1)
            .xrevrange(keys.thread(threadId!), '+', '-', 'COUNT', 1)
            .exec()
          const failure = replies?.find(([error]) => error)?.[0]
          if (failure || replies?.length !== 2)
            throw failure ?? new Error('redis storage: no answer to the head read')
          thread = newest(replies[1]![1])
          return newest(replies[0]![1])
        }),
      )
      return { operators, thread }
    })

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
      return { operators: [newest(0)], thread: threadId === undefined ? '0-0' : newest(1) }
    })

  /**
   * A subscriber's own stream after an id, for the live tail's catch-up after a gap; with `check`, undefined when the
   * id is not retained (the subscriber must reset).
   */
  const after = (filter: TailFilter, afterId: string, limit: number, check: boolean) =>
    withCommands(async (redis) => {
      if (sharded && filter === 'operators') {
        const merged = await readShards(redis, merge, afterId, limit, check, durableShards(redis))
        return merged.reset ? undefined : merged.entries
      }
      const key = streamKey(filter === 'operators' ? 'operators' : { thread: filter.threadId })
      const reply = check
        ? await runScript(redis, readScript, [key], [afterId, limit, config.maxAgeMs])
        : await redis.xrange(key, `(${afterId}`, '+', 'COUNT', limit)
      if (reply === null) return undefined
      const entries = toEntries(reply)
      if (config.minReplicas > 0 && entries.length > 0) await durable(redis)
      return entries
    })

  /**
   * Over several shards, the newest operators' id an append of this instance returned: later appends get larger
   * ids, so ids follow the order in which this instance's callers saw appends complete, whatever the shards.
   */
  let appendFloor = ''
  const raiseFloor = (result: AppendResult): AppendResult => {
    if (sharded && (appendFloor === '' || compareEventIds(result.operatorEventId, appendFloor) > 0)) {
      appendFloor = result.operatorEventId
    }
    return result
  }

  /** With `minReplicas`: waits until what `redis` read of the given shards is on the replicas. */
  const durableShards = (redis: RedisClient) =>
    config.minReplicas > 0
      ? (shards: readonly number[]) =>
          Promise.all(shards.map((shard) => durable(redis, shard))).then(() => undefined)
      : undefined

  function liveTail(): OperatorsTail {
    if (tail) return tail
    const blocking = (name: string) =>
      createRedisConnection({ target, name, commandTimeoutMs: undefined, onError })
    const source = sharded
      ? createShardedSource({
          ...merge,
          commands,
          blocking: (shard) => blocking(`${prefix}-relay-tail-${shard}`),
          blockMs: config.blockMs,
          batch: tailBatch,
          durable: config.minReplicas > 0 ? durable : undefined,
        })
      : createStreamSource({
          blocking: blocking(`${prefix}-relay-tail`),
          key: operatorsKey,
          blockMs: config.blockMs,
          batch: tailBatch,
          durable: config.minReplicas > 0 ? durable : undefined,
        })
    tail = createOperatorsTail({
      source,
      head: sharded ? shardedHead : head,
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
      // Copied only when there is one: the copy is per webhook, on the ingest path.
      const stored = 'id' in envelope ? withoutId(envelope) : envelope
      const shard = keys.shardOf(envelope.threadId)
      const scriptKeys = [
        keys.dedupe(envelope.threadId, key),
        keys.operators(shard),
        keys.operatorsTrimmed(shard),
      ]
      if (envelope.threadId !== null) scriptKeys.push(streamKey({ thread: envelope.threadId }))
      const args = [
        JSON.stringify(stored),
        envelope.threadId ?? '',
        dedupeTtlMs,
        config.maxEvents,
        operatorsMaxEvents,
        config.maxAgeMs,
        keys.shards,
        shard,
        appendFloor,
      ]
      if (config.minReplicas === 0) {
        return withCommands((redis) => runScript(redis, appendScript, scriptKeys, args))
          .then(toAppendResult)
          .then(raiseFloor)
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
        return raiseFloor(toAppendResult(reply))
      })
    },

    async read(stream: StreamKey, afterId: string, limit: number): Promise<ReadResult> {
      if (!isEventId(afterId)) return { reset: true, reason: `"${afterId}" is not an event id` }
      const count = Math.max(0, Math.floor(limit))
      if (sharded && stream === 'operators') {
        const merged = await withCommands((redis) =>
          readShards(redis, merge, afterId, count, true, durableShards(redis)),
        )
        if (merged.reset)
          return { reset: true, reason: `event ${afterId} is not in the retained log of every shard` }
        return { reset: false, events: merged.entries.map((entry) => toEnvelope(entry.json, entry.id)) }
      }
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
      if (sharded && stream === 'operators') {
        return (await withCommands((redis) => readShardsOnce(redis, merge, '0-0', 0, false))).newest
      }
      const reply = await withCommands((redis) =>
        runScript(redis, lastIdScript, [streamKey(stream)], [config.maxAgeMs]),
      )
      return typeof reply === 'string' ? reply : undefined
    },

    subscribe(stream, listener, onReset): () => void {
      if (closed) return () => undefined
      return liveTail().subscribe(
        stream === 'operators' ? 'operators' : { threadId: stream.thread },
        listener,
        onReset,
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
      await closeRedisConnection(commands, { graceful: true })
    },

    async readThreadRange(threadId, fromMs, toMs, limit, newestFirst = false): Promise<EventEnvelope[]> {
      // Entries past the age limit stay until the thread's next append or read trims them: skip them here.
      const from = Math.max(0, Math.ceil(fromMs), Date.now() - config.maxAgeMs)
      const to = Math.floor(toMs)
      const count = Math.floor(limit)
      if (!(to >= from && count > 0)) return []
      const key = streamKey({ thread: threadId })
      const entries = toEntries(
        await withCommands((redis) =>
          newestFirst
            ? redis.xrevrange(key, String(to), String(from), 'COUNT', count)
            : redis.xrange(key, String(from), String(to), 'COUNT', count),
        ),
      )
      return entries.map((entry) => toEnvelope(entry.json, entry.id))
    },

    // Marks of sends under way are hints with a TTL, not events: they never wait for replicas (a failover that
    // loses one costs a history page its wait, nothing more).
    async markSendUnderWay(threadId, sendId, ttlMs): Promise<void> {
      const ttl = sendMarkTtl(ttlMs)
      await withCommands((redis) =>
        runScript(redis, markSendScript, [keys.sendsUnderWay(threadId)], [sendId, ttl]),
      )
    },

    async clearSendUnderWay(threadId, sendId): Promise<void> {
      await withCommands((redis) => redis.zrem(keys.sendsUnderWay(threadId), sendId))
    },

    async countSendsUnderWay(threadId): Promise<number> {
      const reply = await withCommands((redis) =>
        runScript(redis, countSendsScript, [keys.sendsUnderWay(threadId)], []),
      )
      if (typeof reply !== 'number') throw new Error('redis storage: unexpected count of sends under way')
      return reply
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

/**
 * Whether Redis refused the connection's credentials or rights (a wrong or missing password, an ACL user without
 * the commands): waiting does not help, unlike an outage.
 *
 * @example
 * isCredentialsRefusal(new Error('WRONGPASS invalid username-password pair or user is disabled.')) // true
 */
export function isCredentialsRefusal(error: unknown): boolean {
  return error instanceof Error && /^(WRONGPASS|NOAUTH|NOPERM)\b|^ERR invalid password/.test(error.message)
}

/** Why a deployment is refused: a setting that waiting does not cure. */
export type RedisRefusalCode = 'cluster-node' | 'shards-changed'

/**
 * A deployment the storage refuses to use, found once connected: `url` names a Redis Cluster node, or `shards`
 * differs from the one the log under the prefix was written with. Reported through `onError` once; every call then
 * rejects with it, and `ready()` is false.
 *
 * @example
 * if (error instanceof RedisStorageRefusal && error.code === 'shards-changed') process.exitCode = 1
 */
export class RedisStorageRefusal extends Error {
  constructor(
    readonly code: RedisRefusalCode,
    message: string,
  ) {
    super(message)
    this.name = 'RedisStorageRefusal'
  }
}

/**
 * Whether Redis refused the database a URL selects (`/99` past the server's `databases`). ioredis reports the refused
 * `SELECT` and carries on in database 0, so a relay that goes on would keep its log where it was not told to.
 *
 * @example
 * isDatabaseRefusal(new Error('ERR DB index is out of range')) // true
 */
export function isDatabaseRefusal(error: unknown): boolean {
  return error instanceof Error && /^ERR (DB index is out of range|invalid DB index)/.test(error.message)
}

/**
 * Logs an error unless it repeats the previous one: a Redis outage is one line, not one per reconnect. The default
 * `onError`.
 */
export function warnOnChange(): (error: unknown) => void {
  let last = ''
  return (error) => {
    const message = error instanceof Error ? error.message : String(error)
    if (message === last) return
    last = message
    // The storage's own errors already say where they come from.
    console.warn(`flowchat relay: redis storage: ${message.replace(/^redis storage: /, '')}`)
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
