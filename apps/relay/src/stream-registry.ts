import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import { FlowErrorCode } from '@flowchat/core'
import { httpError } from './http-error.js'
import type { OpenEventStream } from './event-stream.js'

export interface StreamRegistry {
  /** Reserves a slot for a new stream, or throws 429 past a cap. */
  reserve(tokenKey: string, ip: string): Promise<StreamSlot>
  /** Open streams now (this instance). */
  readonly size: number
  /** Ends every stream with a retry hint and waits until they are closed. */
  endAll(retryMs: number): Promise<void>
}

/** A stream's place under the caps, from {@link StreamRegistry.reserve} until the stream closes. */
export interface StreamSlot {
  /** Holds the stream served in this slot, for {@link StreamRegistry.endAll}, until the slot is released. */
  hold(stream: OpenEventStream): void
  /** Frees the slot and forgets its stream; later calls do nothing. */
  release(): void
}

export interface StreamRegistryOptions {
  perToken: number
  perIp: number
  /** Share the caps with every instance on this Redis: N instances enforce one cap, not N. */
  redis?: Redis
  /** Prefix of the shared counts' keys. Default `flowchat:streams:`. */
  keyPrefix?: string
  /** A shared slot lives this long unless renewed (renewed at a third of it): an instance that dies frees its slots. Default 30 000. */
  leaseMs?: number
}

/**
 * Takes a slot in a sorted set of leases (member → expiry, Redis time), after dropping expired ones:
 * 1 when the set is already at the cap.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 1 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) * 2)
return 0
`
/** Extends a lease that is still held. */
const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
return 0
`

const tooMany = (what: 'token' | 'address', cap: number) =>
  httpError(
    FlowErrorCode.rate_limited,
    what === 'token'
      ? `Too many open streams for this token (at most ${cap}); close one first.`
      : `Too many open streams from this address (at most ${cap}).`,
    { retryAfterSeconds: 5 },
  )

/**
 * Counts open SSE streams per token and per IP, and holds them for graceful shutdown. With `redis`, the caps are
 * shared by every instance on that Redis (leases in sorted sets, renewed while the stream is open); while Redis
 * fails, each instance still enforces the caps on its own streams.
 *
 * @example
 * const slot = await registry.reserve(principalKey(who), request.ip)
 * slot.hold(serveEventStream(res, { ...options, slot }))
 */
export function createStreamRegistry(options: StreamRegistryOptions): StreamRegistry {
  const { perToken, perIp, redis } = options
  const prefix = options.keyPrefix ?? 'flowchat:streams:'
  const leaseMs = options.leaseMs ?? 30_000
  const byToken = new Map<string, number>()
  const byIp = new Map<string, number>()
  const open = new Set<Slot>()
  /** Shared leases held by this instance: member → its keys. */
  const leases = new Map<string, string[]>()
  let renewTimer: ReturnType<typeof setInterval> | undefined

  const inc = (m: Map<string, number>, k: string, d: number) => {
    const n = (m.get(k) ?? 0) + d
    if (n <= 0) m.delete(k)
    else m.set(k, n)
  }

  async function take(key: string, member: string, cap: number): Promise<boolean> {
    return (await redis?.eval(TAKE, 1, key, member, cap, leaseMs)) === 0
  }

  function renewAll(): void {
    if (!redis) return
    const pipeline = redis.pipeline()
    for (const [member, keys] of leases) for (const key of keys) pipeline.eval(RENEW, 1, key, member, leaseMs)
    pipeline.exec().catch(() => undefined)
  }

  async function reserveShared(redis: Redis, tokenKey: string, ip: string): Promise<string | undefined> {
    const member = randomUUID()
    const tokenSet = `${prefix}token:${tokenKey.length}:${tokenKey}`
    const ipSet = `${prefix}ip:${ip}`
    try {
      if (!(await take(tokenSet, member, perToken))) throw tooMany('token', perToken)
      if (!(await take(ipSet, member, perIp))) {
        await redis.zrem(tokenSet, member)
        throw tooMany('address', perIp)
      }
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === FlowErrorCode.rate_limited) throw error
      // Redis failing: the local caps below still hold. A command that timed out may still run once Redis answers
      // again (a Redis that hung): take the lease back after it, or it would count against the caps until it ends.
      for (const key of [tokenSet, ipSet]) redis.zrem(key, member).catch(() => undefined)
      return undefined
    }
    leases.set(member, [tokenSet, ipSet])
    renewTimer ??= setInterval(renewAll, Math.max(1000, Math.floor(leaseMs / 3)))
    renewTimer.unref()
    return member
  }

  function releaseShared(member: string | undefined): void {
    if (!redis || member === undefined) return
    const keys = leases.get(member)
    leases.delete(member)
    for (const key of keys ?? []) redis.zrem(key, member).catch(() => undefined)
    if (leases.size === 0 && renewTimer) {
      clearInterval(renewTimer)
      renewTimer = undefined
    }
  }

  /** What a slot needs of the registry, shared by every slot rather than captured per slot. */
  const shared: SlotHost = { open, release: unreserve }

  function unreserve(tokenKey: string, ip: string, member: string | undefined): void {
    inc(byToken, tokenKey, -1)
    inc(byIp, ip, -1)
    releaseShared(member)
  }

  return {
    async reserve(tokenKey, ip) {
      if ((byToken.get(tokenKey) ?? 0) >= perToken) throw tooMany('token', perToken)
      if ((byIp.get(ip) ?? 0) >= perIp) throw tooMany('address', perIp)
      // Counted locally first, so concurrent requests on this instance cannot pass the cap while Redis answers.
      inc(byToken, tokenKey, 1)
      inc(byIp, ip, 1)
      let member: string | undefined
      if (redis) {
        try {
          member = await reserveShared(redis, tokenKey, ip)
        } catch (error) {
          unreserve(tokenKey, ip, undefined)
          throw error
        }
      }
      return new Slot(shared, tokenKey, ip, member)
    },
    get size() {
      return open.size
    },
    async endAll(retryMs) {
      // A slot is open only while it holds its stream.
      const all = [...open].map((slot) => slot.stream!)
      for (const s of all) s.end(retryMs)
      await Promise.all(all.map((s) => s.closed))
      if (renewTimer) clearInterval(renewTimer)
      renewTimer = undefined
    },
  }
}

interface SlotHost {
  /** Slots holding an open stream. */
  open: Set<Slot>
  release(tokenKey: string, ip: string, member: string | undefined): void
}

/** One reserved slot: a small object per open stream instead of a closure and its scope. */
class Slot implements StreamSlot {
  stream: OpenEventStream | undefined
  #released = false

  constructor(
    readonly host: SlotHost,
    readonly tokenKey: string,
    readonly ip: string,
    /** The shared lease's member, when the caps are shared over Redis. */
    readonly member: string | undefined,
  ) {}

  hold(stream: OpenEventStream): void {
    if (this.#released) return
    this.stream = stream
    this.host.open.add(this)
  }

  release(): void {
    if (this.#released) return
    this.#released = true
    this.stream = undefined
    this.host.open.delete(this)
    this.host.release(this.tokenKey, this.ip, this.member)
  }
}
