import { closeRedisConnection, whenReady, type RedisClient } from './redis-connection.js'
import { readShardsOnce, shardOfEventId, type ShardMergeOptions } from './redis-shard-merge.js'
import type { StoredEntry } from './redis-entries.js'
import type { OperatorsSource } from './redis-tail.js'

export interface ShardedSourceOptions extends ShardMergeOptions {
  /** The connection the merged reads go through (not blocked). */
  commands: RedisClient
  /** A connection of its own for a shard's blocking XREAD (asked once per shard, when first needed). */
  blocking: (shard: number) => RedisClient
  blockMs: number
  batch: number
  /** Resolves once what `redis` has read of a shard is on enough replicas; given when appends wait for replicas. */
  durable?: ((redis: RedisClient, shard: number) => Promise<void>) | undefined
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The live tail's source over a sharded operators' stream: each round reads every shard after the cursor with its
 * node's clock and releases, in id order, only what no shard can still undercut (see `readShardsOnce`). When
 * nothing is new it waits on a blocking `XREAD` per shard (one connection per shard, as a cluster puts shards on
 * different nodes), woken by whichever shard gets an entry first; entries held back because a shard's clock is
 * behind are read again a few milliseconds later.
 *
 * @example
 * const source = createShardedSource({ shards: 3, key: keys.operators, maxAgeMs, commands, blocking, blockMs, batch, onError })
 */
export function createShardedSource(options: ShardedSourceOptions): OperatorsSource {
  const connections = new Map<number, RedisClient>()
  const doorbells = new Map<number, Promise<void>>()
  /** Connections that were ready once: a read failing on one of them means Redis went away. */
  const connected = new WeakSet<RedisClient>()
  /** Why a shard's blocking read failed on a connection that had been ready, until `next` reports it. */
  let lost: Error | undefined

  const connection = (shard: number) => {
    const known = connections.get(shard)
    if (known) return known
    const redis = options.blocking(shard)
    redis.once('ready', () => connected.add(redis))
    connections.set(shard, redis)
    return redis
  }

  /** Resolves when any shard has an entry after `cursor` (or its XREAD timed out or failed). */
  function anyNews(cursor: string): Promise<void> {
    for (let shard = 0; shard < options.shards; shard++) {
      if (doorbells.has(shard)) continue
      const redis = connection(shard)
      const ring = redis
        .xread('COUNT', 1, 'BLOCK', options.blockMs, 'STREAMS', options.key(shard), cursor)
        .then(
          () => undefined,
          // A fresh connection refuses commands until it is ready (no offline queue): wake the loop a little later.
          // One that was ready lost Redis: `next` reports it, so the tail checks that its cursor is still in the log
          // (Redis may have restarted empty), even when the commands connection came back before it read again.
          (error: unknown) => {
            if (connected.has(redis)) lost ??= error instanceof Error ? error : new Error(String(error))
            return sleep(100).then(() => undefined)
          },
        )
        .finally(() => doorbells.delete(shard))
      doorbells.set(shard, ring)
    }
    return Promise.race(doorbells.values())
  }

  return {
    async next(cursor): Promise<StoredEntry[]> {
      if (lost !== undefined) {
        const error = lost
        lost = undefined
        throw error
      }
      const round = await readShardsOnce(options.commands, options, cursor, options.batch, false)
      if (round.entries.length > 0) {
        if (options.durable) {
          const shards = new Set(round.entries.map((entry) => shardOfEventId(entry.id, options.shards) ?? 0))
          await Promise.all([...shards].map((shard) => options.durable!(options.commands, shard)))
        }
        return round.entries
      }
      if (round.held) await sleep(2)
      else await anyNews(cursor)
      return []
    },
    async intact(cursor) {
      const round = await readShardsOnce(options.commands, options, cursor, 0, true)
      return !round.reset
    },
    ready: () => whenReady(options.commands, options.blockMs),
    close() {
      for (const redis of connections.values()) void closeRedisConnection(redis)
    },
  }
}
