// The Redis backend on a three-master Redis Cluster started here: the storage contract, with every key of an
// append in one slot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisStorage } from './redis-storage.js'
import {
  redisCommand,
  requireRedisBinaries,
  startRedisCluster,
  stopAllRedisServers,
  type RedisClusterGroup,
} from './redis-servers-test-support.js'
import { randomPrefix } from './redis-test-support.js'
import { describeStorageContract, testEnvelope } from './storage-contract.js'

let cluster: RedisClusterGroup | undefined
beforeAll(async () => {
  await requireRedisBinaries()
  cluster = await startRedisCluster()
}, 60_000)
afterAll(() => stopAllRedisServers())

function nodes(): RedisClusterGroup['nodes'] {
  if (!cluster) throw new Error('the Redis Cluster did not start (see beforeAll)')
  return cluster.nodes
}

describeStorageContract(
  'redis cluster',
  (retention) =>
    createRedisStorage({
      clusterNodes: nodes(),
      keyPrefix: randomPrefix('cluster'),
      ...retention,
      onError: () => undefined,
    }),
  { deliveryTimeoutMs: 15_000 },
)

describeStorageContract(
  "redis cluster, 3 operators' shards",
  (retention) =>
    createRedisStorage({
      clusterNodes: nodes(),
      keyPrefix: randomPrefix('cluster'),
      shards: 3,
      ...retention,
      onError: () => undefined,
    }),
  { deliveryTimeoutMs: 15_000 },
)

describe('redis storage on a cluster', () => {
  it('keeps tenants apart by key prefix on one cluster', async () => {
    const [x, y] = [randomPrefix('tenant'), randomPrefix('tenant')].map((keyPrefix) =>
      createRedisStorage({ clusterNodes: nodes(), keyPrefix, onError: () => undefined }),
    )
    try {
      const stored = await x!.append({ key: 'same', envelope: testEnvelope('t1', 'x') })
      const other = await y!.append({ key: 'same', envelope: testEnvelope('t1', 'y') })
      expect([stored.duplicate, other.duplicate]).toEqual([false, false])
      expect(await y!.lastId({ thread: 't1' })).toBe(other.threadEventId)
      expect(await x!.lastId({ thread: 't1' })).toBe(stored.threadEventId)
      // The cluster is really three masters, each serving a third of the slots.
      const info = String(await redisCommand(nodes()[0]!.port, 'CLUSTER', 'INFO'))
      expect(info).toMatch(/cluster_size:3/)
    } finally {
      await Promise.all([x!.close(), y!.close()])
    }
  })
})
