import { createHash } from 'node:crypto'
import type { RedisClient } from './redis-connection.js'

/** A Lua script run by its SHA1, sent in full only when Redis does not know it (first use, or after a restart). */
export interface RedisScript {
  readonly source: string
  readonly sha: string
}

function script(source: string): RedisScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') }
}

/**
 * Lua: `time` (Redis's TIME) and `now`, its clock in ms: the clock that assigns the ids, and the one every
 * instance's marks of sends under way are timed by.
 */
const nowMs = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
`

/** Lua: `now` (see `nowMs`) and `minId`, the oldest id age retention keeps. */
const minIdFrom = (maxAgeArg: string) => `
${nowMs}
local minId = now - tonumber(${maxAgeArg})
if minId < 0 then minId = 0 end
minId = string.format('%.0f', minId)
`

/**
 * Lua: `trimShard(stream, mark, maxLen, minId, expireMs)` trims a shard of the operators' stream (exact MAXLEN,
 * then MINID) and records in `mark` the newest id it removed: a reader resuming from an id below it has lost
 * entries of this shard. (XINFO's max-deleted-entry-id counts XDEL only, not trimming.)
 */
const trimShard = `
local function trimShard(stream, mark, maxLen, minId, expireMs)
  local gone = nil
  if maxLen then
    local excess = redis.call('XLEN', stream) - tonumber(maxLen)
    if excess > 0 then
      local old = redis.call('XRANGE', stream, '-', '+', 'COUNT', excess)
      gone = old[#old][1]
      redis.call('XTRIM', stream, 'MAXLEN', maxLen)
    end
  end
  -- Looked for backwards only when the oldest entry is too old: a reverse scan from minId would walk the head
  -- node's trimmed entries on every append.
  local first = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)
  if #first > 0 then
    local id = first[1][1]
    local dash = string.find(id, '-', 1, true)
    if tonumber(string.sub(id, 1, dash - 1)) < tonumber(minId) then
      local older = redis.call('XREVRANGE', stream, '(' .. minId .. '-0', '-', 'COUNT', 1)
      gone = older[1][1]
      redis.call('XTRIM', stream, 'MINID', minId)
    end
  end
  if gone then redis.call('SET', mark, gone, 'PX', expireMs) end
end
`

/**
 * Appends one event, once per dedupe key, atomically: a retried webhook (same key) delivered to any
 * instance finds the dedupe key and gets the ids stored the first time; a new one is added to its thread's
 * stream (when it has a thread) and to the operators' stream in the same step, so the operators' stream
 * orders every thread's events exactly as their thread streams do, and carries the thread id (`tid`) the
 * thread's subscribers must see.
 *
 * Retention: exact MAXLEN (the relay promises "the newest maxEvents", and trimming one entry per append is
 * cheap), then MINID by age. Each stream expires after twice maxAgeMs without appends: its entries are
 * gone by then anyway, and until then its last id stays known, so a client that had seen everything
 * resumes without a reset.
 *
 * With several operators' shards (ARGV[7] > 1) the operators' id is given explicitly, so that ids are unique
 * across shards and tell their shard: `<ms>-<seq>` from Redis TIME with `seq` = microseconds within the ms × shards
 * + shard (so appends on different shards, even on different nodes with synchronised clocks, are ordered as they
 * happened, down to about a microsecond), raised when needed above the shard's newest (and above ARGV[9], the newest id this relay instance was given by an append:
 * an append that follows another one it saw completed gets a larger id, whatever their shards) in that ms with
 * `seq ≡ shard (mod shards)`. So a later append of a shard never gets an id below the TIME its node answered before
 * it, which is what lets readers merge shards by id.
 *
 * KEYS: dedupe key, operators' stream, its trim mark (see trimShard; written only with shards), [thread stream].
 * ARGV: envelope JSON without id, thread id or '', dedupe TTL ms, max events of a thread stream, max events
 * of the operators' stream, max age ms, shards, this shard, floor id or ''.
 * Returns `{isDuplicate (0|1), threadEventId or '', operatorEventId}`.
 */
export const appendScript = script(`
local seen = redis.call('GET', KEYS[1])
if seen then
  local sep = string.find(seen, ' ', 1, true)
  return {1, string.sub(seen, 1, sep - 1), string.sub(seen, sep + 1)}
end
${minIdFrom('ARGV[6]')}
${trimShard}
local expireMs = 2 * tonumber(ARGV[6])
local threadEventId = ''
if #KEYS == 4 then
  threadEventId = redis.call('XADD', KEYS[4], 'MAXLEN', ARGV[4], '*', 'e', ARGV[1])
  redis.call('XTRIM', KEYS[4], 'MINID', minId)
  redis.call('PEXPIRE', KEYS[4], expireMs)
end
local opsId = '*'
local shards = tonumber(ARGV[7])
if shards > 1 then
  local shard = tonumber(ARGV[8])
  local nowUs = tonumber(time[1]) * 1000000 + tonumber(time[2])
  local ms = math.floor(nowUs / 1000)
  local seq = (nowUs % 1000) * shards + shard
  local function consider(id)
    local dash = string.find(id, '-', 1, true)
    local m = tonumber(string.sub(id, 1, dash - 1))
    local q = tonumber(string.sub(id, dash + 1))
    if m > ms or (m == ms and q >= seq) then
      ms = m
      seq = q - (q % shards) + shard
      if seq <= q then seq = seq + shards end
    end
  end
  local top = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
  if #top > 0 then consider(top[1][1]) end
  if ARGV[9] ~= '' then consider(ARGV[9]) end
  opsId = string.format('%.0f', ms) .. '-' .. string.format('%.0f', seq)
end
local operatorEventId
if shards > 1 then
  operatorEventId = redis.call('XADD', KEYS[2], opsId, 'e', ARGV[1], 't', ARGV[2], 'tid', threadEventId)
  trimShard(KEYS[2], KEYS[3], ARGV[5], minId, expireMs)
  redis.call('PEXPIRE', KEYS[3], expireMs)
else
  operatorEventId = redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[5], '*', 'e', ARGV[1], 't', ARGV[2], 'tid', threadEventId)
  redis.call('XTRIM', KEYS[2], 'MINID', minId)
end
redis.call('PEXPIRE', KEYS[2], expireMs)
redis.call('SET', KEYS[1], threadEventId .. ' ' .. operatorEventId, 'PX', ARGV[3])
return {0, threadEventId, operatorEventId}
`)

/**
 * Reads after an id, atomically with the check that the id is still retained, so trimming in between
 * cannot hide a gap. Trims by age first: a thread nobody appends to must not serve events older than
 * maxAgeMs. `afterId` equal to the stream's last generated id is fine even when trimmed: nothing was missed.
 * Returns nil when the reader must reset, else the entries.
 *
 * KEYS: the stream. ARGV: afterId, limit, max age ms.
 */
export const readScript = script(`
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
${minIdFrom('ARGV[3]')}
redis.call('XTRIM', KEYS[1], 'MINID', minId)
if #redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1], 'COUNT', 1) == 0 then
  local info = redis.call('XINFO', 'STREAM', KEYS[1])
  for i = 1, #info, 2 do
    if info[i] == 'last-generated-id' and info[i + 1] == ARGV[1] then return {} end
  end
  return false
end
if tonumber(ARGV[2]) <= 0 then return {} end
return redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], '+', 'COUNT', ARGV[2])
`)

/**
 * One shard of a sharded operators' stream, read for a merge: Redis's TIME (no later append of this shard gets an
 * id below it), the shard's newest id, and its entries after an id. With `check` `owner` (the shard that issued
 * `afterId`) the id must be retained as in `readScript`; with `other`, no entry after `afterId` may have been
 * trimmed (the shard's trim mark). `none` skips the check (the live tail). Trims by age first, like `readScript`.
 *
 * KEYS: the shard's operators' stream, its trim mark. ARGV: afterId, limit, max age ms, check (owner|other|none).
 * Returns `{nowMs, reset (0|1), newestId or '', entries}`.
 */
export const shardReadScript = script(`
${minIdFrom('ARGV[3]')}
${trimShard}
local nowText = string.format('%.0f', now)
if redis.call('EXISTS', KEYS[1]) == 0 then
  if ARGV[4] == 'owner' then return {nowText, 1, '', {}} end
  return {nowText, 0, '', {}}
end
trimShard(KEYS[1], KEYS[2], nil, minId, 2 * tonumber(ARGV[3]))
local function parse(id)
  local dash = string.find(id, '-', 1, true)
  return tonumber(string.sub(id, 1, dash - 1)), tonumber(string.sub(id, dash + 1))
end
if ARGV[4] == 'owner' then
  if #redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1], 'COUNT', 1) == 0 then
    local info = redis.call('XINFO', 'STREAM', KEYS[1])
    local kept = false
    for i = 1, #info, 2 do
      if info[i] == 'last-generated-id' and info[i + 1] == ARGV[1] then kept = true end
    end
    if not kept then return {nowText, 1, '', {}} end
  end
elseif ARGV[4] == 'other' then
  local gone = redis.call('GET', KEYS[2])
  if gone then
    local dm, ds = parse(gone)
    local am, as = parse(ARGV[1])
    if dm > am or (dm == am and ds > as) then return {nowText, 1, '', {}} end
  end
end
local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local newest = ''
if #top > 0 then newest = top[1][1] end
local entries = {}
if tonumber(ARGV[2]) > 0 then entries = redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], '+', 'COUNT', ARGV[2]) end
return {nowText, 0, newest, entries}
`)

/**
 * The newest retained id of a stream (after trimming by age, like `read`), or nil.
 *
 * KEYS: the stream. ARGV: max age ms.
 */
export const lastIdScript = script(`
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
${minIdFrom('ARGV[1]')}
redis.call('XTRIM', KEYS[1], 'MINID', minId)
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if #last == 0 then return false end
return last[1][1]
`)

/**
 * Marks a send under way: its id in the thread's sorted set of sends, scored by its expiry (Redis's clock), the
 * expired ones dropped, and the key itself expiring with its newest mark, so a mark nobody clears (its instance
 * died) leaves nothing behind.
 *
 * KEYS: the thread's sends under way. ARGV: send id, TTL ms (a positive integer).
 */
export const markSendScript = script(`
${nowMs}
local ttl = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now))
redis.call('ZADD', KEYS[1], string.format('%.0f', now + ttl), ARGV[1])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1
`)

/**
 * How many sends to a thread are under way: marks whose expiry is after now (Redis's clock). Reads only.
 *
 * KEYS: the thread's sends under way.
 */
export const countSendsScript = script(`
${nowMs}
return redis.call('ZCOUNT', KEYS[1], '(' .. string.format('%.0f', now), '+inf')
`)

/**
 * Runs a script by SHA1 and falls back to sending its source once when Redis answers NOSCRIPT
 * (a restarted Redis has lost its script cache).
 *
 * @example
 * const reply = await runScript(redis, readScript, [streamKey], [afterId, '100'])
 */
export async function runScript(
  redis: RedisClient,
  { source, sha }: RedisScript,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  try {
    return await redis.evalsha(sha, keys.length, ...keys, ...args)
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error
    return await redis.eval(source, keys.length, ...keys, ...args)
  }
}

/**
 * Runs a script, then `WAIT numReplicas timeoutMs` on the same connection (in one pipeline, so a cluster sends
 * both to the node of the script's keys), and resolves the script's reply with how many replicas confirmed it.
 * Falls back to the script's source when Redis answers NOSCRIPT (a promoted replica has an empty script cache).
 *
 * @example
 * const { reply, replicas } = await runScriptAndWait(redis, appendScript, keys, args, 1, 500)
 */
export async function runScriptAndWait(
  redis: RedisClient,
  { source, sha }: RedisScript,
  keys: readonly string[],
  args: readonly (string | number)[],
  numReplicas: number,
  timeoutMs: number,
): Promise<{ reply: unknown; replicas: number }> {
  const send = async (byHash: boolean) => {
    const pipeline = redis.pipeline()
    if (byHash) pipeline.evalsha(sha, keys.length, ...keys, ...args)
    else pipeline.eval(source, keys.length, ...keys, ...args)
    pipeline.wait(numReplicas, timeoutMs)
    const results = await pipeline.exec()
    if (!results || results.length !== 2) throw new Error('redis storage: no answer to the pipeline')
    const [[scriptError, reply], [waitError, replicas]] = results as [
      [Error | null, unknown],
      [Error | null, unknown],
    ]
    if (scriptError) throw scriptError
    if (waitError) throw waitError
    return { reply, replicas: typeof replicas === 'number' ? replicas : 0 }
  }
  try {
    return await send(true)
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error
    return await send(false)
  }
}
