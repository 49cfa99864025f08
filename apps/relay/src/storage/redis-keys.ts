import { clusterSlot, clusterSlots } from './redis-slot.js'

/**
 * The Redis key layout of one relay (or tenant): everything under `<prefix>:`, and every key an append touches
 * in one hash slot, so the append script runs on Redis Cluster too. The slot is the thread's shard:
 * `<prefix>:{o<shard>}:thread:<threadId>` (the thread's stream; with several shards the tag may be `o<shard>.<n>`,
 * see `shardTag`), `<prefix>:{o<shard>}:dedupe:<key>` (its dedupe keys, webhook and `sent` alike),
 * `<prefix>:{o<shard>}:under-way:<threadId>` (its sends under way) and `<prefix>:{o<shard>}:ops` (the operators'
 * stream of that shard). A thread always falls in the same shard, so its stream, dedupe keys, sends under way and
 * the operators' entries of it stay together.
 */
export interface RedisKeys {
  /** How many shards the operators' stream has. */
  readonly shards: number
  /** The shard of a thread (project events, threadId null, go to shard 0). */
  shardOf(threadId: string | null): number
  thread(threadId: string): string
  dedupe(threadId: string | null, key: string): string
  operators(shard: number): string
  /** The newest id trimmed from a shard of the operators' stream (written only with several shards). */
  operatorsTrimmed(shard: number): string
  /** A key written only to have something to `WAIT` on, in the shard's slot. */
  sync(shard: number): string
  /** The thread's sends under way (a sorted set), in its shard's slot beside its stream. */
  sendsUnderWay(threadId: string): string
}

/**
 * Checks a key prefix: not empty, and no `{` or `}` (they would move the hash tag that keeps a thread's keys in
 * one cluster slot).
 *
 * @example
 * checkKeyPrefix('tenant-a') // ok
 */
export function checkKeyPrefix(prefix: string): void {
  if (typeof prefix !== 'string' || prefix.length === 0 || /[{}]/.test(prefix)) {
    throw new Error('redis storage: keyPrefix: must be a non-empty string without { or }')
  }
}

/**
 * @example
 * const keys = createRedisKeys('flowchat', 1)
 * keys.thread('t1') // 'flowchat:{o0}:thread:t1'
 */
export function createRedisKeys(prefix: string, shards: number): RedisKeys {
  checkKeyPrefix(prefix)
  if (!Number.isInteger(shards) || shards < 1 || shards > 1024) {
    throw new Error('redis storage: shards: must be an integer from 1 to 1024')
  }
  const tags = Array.from({ length: shards }, (_, shard) => `${prefix}:{${shardTag(shard, shards)}}`)
  const tag = (shard: number) => tags[shard] ?? `${prefix}:{o${shard}}`
  const shardOf = (threadId: string | null) =>
    threadId === null || shards === 1 ? 0 : fnv1a(threadId) % shards
  return {
    shards,
    shardOf,
    thread: (threadId) => `${tag(shardOf(threadId))}:thread:${threadId}`,
    dedupe: (threadId, key) => `${tag(shardOf(threadId))}:dedupe:${key}`,
    operators: (shard) => `${tag(shard)}:ops`,
    operatorsTrimmed: (shard) => `${tag(shard)}:ops-trimmed`,
    sync: (shard) => `${tag(shard)}:sync`,
    sendsUnderWay: (threadId) => `${tag(shardOf(threadId))}:under-way:${threadId}`,
  }
}

/**
 * The hash tag of a shard: `o<shard>` when its slot lies in the shard's share of the slot space (the `shard`-th of
 * `shards` equal ranges), else `o<shard>.<n>` for the smallest `n` whose slot does. So the shards spread evenly
 * over masters that split the slots evenly (as `redis-cli --cluster create` does); a single shard keeps `{o0}`.
 */
function shardTag(shard: number, shards: number): string {
  const low = Math.floor((shard * clusterSlots) / shards)
  const high = Math.floor(((shard + 1) * clusterSlots) / shards)
  const fits = (tag: string) => {
    const slot = clusterSlot(tag)
    return slot >= low && slot < high
  }
  if (fits(`o${shard}`)) return `o${shard}`
  for (let n = 0; ; n++) if (fits(`o${shard}.${n}`)) return `o${shard}.${n}`
}

/** 32-bit FNV-1a over UTF-16 code units: cheap, stable across processes, spreads thread ids evenly. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}
