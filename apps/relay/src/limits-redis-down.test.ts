// The relay's own Redis connection (shared rate-limit counts and stream caps) is best effort: while that Redis
// hangs, streams still open and sends still pass, on the local caps, instead of waiting for Redis to answer.
import type { IncomingMessage } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Relay } from './relay.js'
import {
  redisCommand,
  redisServerFlags,
  redisTempDir,
  requireRedisBinaries,
  sparePort,
  startRedisProcess,
  stopAllRedisServers,
  type RedisProcess,
} from './storage/redis-servers-test-support.js'
import { createTestRelay } from './testing/fake-flow.js'
import { rawStream, until } from './testing/sse-helpers.js'

describe("the relay's own Redis connection while Redis hangs", () => {
  let redis: RedisProcess
  let relay: Relay
  const open: IncomingMessage[] = []

  beforeAll(async () => {
    await requireRedisBinaries()
    const port = await sparePort()
    redis = await startRedisProcess(port, redisServerFlags(port), await redisTempDir())
  })
  afterAll(async () => {
    for (const res of open) res.destroy()
    // A stopped process must run again to be killed cleanly.
    if (redis) process.kill(redis.pid, 'SIGCONT')
    await relay?.close()
    await stopAllRedisServers()
  })

  it('opens streams on the local caps instead of waiting for an answer that does not come', async () => {
    relay = (await createTestRelay({ redis: `redis://127.0.0.1:${redis.port}`, maxStreamsPerToken: 2 })).relay
    const base = await relay.listen()
    const token = await relay.issueToken({ threadId: 't1' })
    const stream = async () => {
      const res = await rawStream(`${base}/v1/threads/t1/events`, { authorization: `Bearer ${token}` })
      open.push(res)
      res.resume()
      return res.statusCode
    }
    // Redis answers: the shared cap is in use.
    expect(await stream()).toBe(200)
    // Redis stops answering (its process paused: the connection stays up, no reply comes). A connection that
    // waits for replies held every opening until Redis came back; the test never resumes it before the end.
    process.kill(redis.pid, 'SIGSTOP')
    expect(await stream()).toBe(200)
    // The local cap still holds: a third stream of the token is refused.
    expect(await stream()).toBe(429)
    // Redis answers again and runs what was sent while it hung: the second stream's late lease is taken back, so
    // once it closes the token has its slot again (a lease left behind counted for 30 s: 429 until it ended).
    process.kill(redis.pid, 'SIGCONT')
    const leases = async () => {
      const [key] = (await redisCommand(redis.port, 'KEYS', 'flowchat:streams:token:*')) as string[]
      return Number(await redisCommand(redis.port, 'ZCARD', key ?? 'none'))
    }
    await until(async () => (await leases()) === 1, "the hung request's lease to be taken back")
    open[1]!.destroy()
    await until(async () => (await stream()) === 200, 'a stream to open again')
  })
})
