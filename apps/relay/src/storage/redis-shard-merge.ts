import { compareEventIds, parseEventId } from './event-id.js'
import type { RedisClient } from './redis-connection.js'
import { toEntries, type StoredEntry } from './redis-entries.js'
import { runScript, shardReadScript } from './redis-scripts.js'

/** How a shard read checks `afterId`: see `shardReadScript`. */
export type ShardCheck = 'owner' | 'other' | 'none'

/** One round over every shard, merged. */
export interface MergedRound {
  /** Some shard no longer holds what follows `afterId`: the reader must reset. */
  reset: boolean
  /** Entries after `afterId` below the round's bound, from every shard, in id order, at most `limit`. */
  entries: StoredEntry[]
  /** Entries were read above the bound: they are released by a later round (clocks of the shards differ). */
  held: boolean
  /** The newest id of any shard at this round. */
  newest: string | undefined
  /** No shard can still add an id below this one (exclusive). */
  bound: string
}

export interface ShardMergeOptions {
  shards: number
  /** The operators' stream key of a shard. */
  key: (shard: number) => string
  /** The key of a shard's trim mark. */
  trimmedKey: (shard: number) => string
  maxAgeMs: number
}

/**
 * The shard that issued an operators' id: its sequence modulo the number of shards (the append script gives each
 * shard its own residue), or undefined for a malformed id.
 *
 * @example
 * shardOfEventId('1732170000000-4', 3) // 1
 */
export function shardOfEventId(id: string, shards: number): number | undefined {
  const parsed = parseEventId(id)
  return parsed === undefined ? undefined : Number(parsed.seq % BigInt(shards))
}

/**
 * Reads a sharded operators' stream as one stream ordered by id. Every shard is read together with its node's
 * `TIME` (no later append of that shard gets an id below it, nor below the shard's newest id): an entry is
 * released only when it is below every shard's bound, so no shard can still produce a smaller id and a reader
 * that resumes from any released id misses nothing and gets nothing twice. Each shard is one key, so this works
 * on one server and on a Redis Cluster alike (one command per shard, in parallel).
 *
 * @example
 * const round = await readShardsOnce(redis, { shards: 3, key: keys.operators, maxAgeMs }, afterId, 100, true)
 */
export async function readShardsOnce(
  redis: RedisClient,
  options: ShardMergeOptions,
  afterId: string,
  limit: number,
  check: boolean,
): Promise<MergedRound> {
  const owner = check ? shardOfEventId(afterId, options.shards) : undefined
  const replies = await Promise.all(
    Array.from({ length: options.shards }, (_, shard) => {
      const mode: ShardCheck = !check ? 'none' : shard === owner ? 'owner' : 'other'
      return runScript(
        redis,
        shardReadScript,
        [options.key(shard), options.trimmedKey(shard)],
        [afterId, limit, options.maxAgeMs, mode],
      )
    }),
  )
  let reset = false
  let newest: string | undefined
  let bound: string | undefined
  const all: StoredEntry[] = []
  for (const reply of replies) {
    if (!Array.isArray(reply) || reply.length !== 4) throw new Error('redis storage: unexpected shard reply')
    const [now, resetFlag, top, entries] = reply as [unknown, unknown, unknown, unknown]
    if (resetFlag === 1) reset = true
    if (typeof now !== 'string' || typeof top !== 'string')
      throw new Error('redis storage: unexpected shard reply')
    const read = toEntries(entries)
    all.push(...read)
    if (top !== '' && (newest === undefined || compareEventIds(top, newest) > 0)) newest = top
    // Below `now-0` and up to the shard's newest, everything of this shard is known; when the read stopped at
    // `limit`, only up to its last entry.
    let shardBound = `${now}-0`
    const last = read.at(-1)
    if (last !== undefined && read.length >= limit) shardBound = successor(last.id)
    else if (top !== '' && compareEventIds(successor(top), shardBound) > 0) shardBound = successor(top)
    if (bound === undefined || compareEventIds(shardBound, bound) < 0) bound = shardBound
  }
  const finalBound = bound ?? `${Date.now()}-0`
  all.sort((a, b) => compareEventIds(a.id, b.id))
  const released = all.filter((entry) => compareEventIds(entry.id, finalBound) < 0)
  return {
    reset,
    entries: released.slice(0, limit),
    held: released.length < all.length,
    newest,
    bound: finalBound,
  }
}

/**
 * Reads a sharded operators' stream after `afterId` as `read` does on one stream: waits (briefly, while clocks of
 * the shards' nodes differ) until everything that existed when it started is below the bound, so that what a
 * live subscription taken before the read does not deliver, this read does.
 *
 * @example
 * const { reset, entries } = await readShards(redis, options, afterId, 100, true)
 */
export async function readShards(
  redis: RedisClient,
  options: ShardMergeOptions,
  afterId: string,
  limit: number,
  check: boolean,
  durable?: (shards: readonly number[]) => Promise<void>,
): Promise<{ reset: boolean; entries: StoredEntry[] }> {
  const first = await readShardsOnce(redis, options, afterId, limit, check)
  if (first.reset) return { reset: true, entries: [] }
  const target = first.newest
  let round = first
  const started = Date.now()
  for (;;) {
    if (round.entries.length >= limit || target === undefined || compareEventIds(round.bound, target) > 0) {
      // A reader must not see an entry a failover can still lose: it would resume from an id that is gone.
      if (durable && round.entries.length > 0) {
        await durable([
          ...new Set(round.entries.map((entry) => shardOfEventId(entry.id, options.shards) ?? 0)),
        ])
      }
      return { reset: false, entries: round.entries }
    }
    if (Date.now() - started > maxClockSkewMs) {
      throw new Error(
        `redis storage: shards: the clocks of the Redis nodes differ by more than ${maxClockSkewMs} ms`,
      )
    }
    await new Promise((resolve) => setTimeout(resolve, 2))
    round = await readShardsOnce(redis, options, afterId, limit, false)
  }
}

/** Longest a merged read waits for the shards' clocks to pass what it must return. */
const maxClockSkewMs = 2_000

/** The smallest id after `id`. */
function successor(id: string): string {
  const parsed = parseEventId(id)
  if (!parsed) return id
  return `${parsed.ms}-${parsed.seq + 1n}`
}
