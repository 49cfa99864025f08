// A relay that cannot listen (its port in use) lets go of what it holds, so a program that handles the error
// without calling close() can still exit: its own Redis connection (which ioredis would reconnect for good) and
// the metrics port it already took.
import { createServer, type Server } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
import { until } from './testing/sse-helpers.js'

/** Listens on `port` (0: any), resolving the port. */
function listenOn(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port))
  })
}

describe('a relay whose listen() fails', () => {
  let redis: RedisProcess
  const servers: Server[] = []

  beforeAll(async () => {
    await requireRedisBinaries()
    const port = await sparePort()
    redis = await startRedisProcess(port, redisServerFlags(port), await redisTempDir())
  })
  afterAll(async () => {
    for (const server of servers) server.close()
    await stopAllRedisServers()
  })

  const limitsClients = async () =>
    String(await redisCommand(redis.port, 'CLIENT', 'LIST'))
      .split('\n')
      .filter((line) => line.includes('name=flowchat-relay-limits')).length

  it('closes its Redis connection and frees its metrics port before it throws', async () => {
    const taken = createServer()
    servers.push(taken)
    const port = await listenOn(taken, 0)
    const metricsPort = await sparePort()
    const { relay } = await createTestRelay({
      host: '127.0.0.1',
      port,
      metricsPort,
      redis: `redis://127.0.0.1:${redis.port}`,
    })
    await until(async () => (await limitsClients()) === 1, "the relay's Redis connection")

    await expect(relay.listen()).rejects.toThrow(/EADDRINUSE|in use/)

    await until(async () => (await limitsClients()) === 0, 'the Redis connection to close')
    const probe = createServer()
    servers.push(probe)
    expect(await listenOn(probe, metricsPort)).toBe(metricsPort)
  })
})
