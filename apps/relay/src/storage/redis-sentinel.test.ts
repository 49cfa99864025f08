// The Redis backend on a Sentinel-managed pair (a master, a replica, three sentinels started here), with the
// append waiting for the replica: the storage contract, and what an unconfirmed append does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisStorage } from './redis-storage.js'
import {
  redisTempDir,
  requireRedisBinaries,
  sparePort,
  startRedisProcess,
  startSentinelGroup,
  stopAllRedisServers,
  type SentinelGroup,
} from './redis-servers-support.js'
import { randomPrefix } from './redis-test-support.js'
import { describeStorageContract, testEnvelope } from './storage-contract.js'

let group: SentinelGroup | undefined
beforeAll(async () => {
  await requireRedisBinaries()
  group = await startSentinelGroup()
}, 60_000)
afterAll(() => stopAllRedisServers())

function sentinelGroup(): SentinelGroup {
  if (!group) throw new Error('the Sentinel group did not start (see beforeAll)')
  return group
}

describeStorageContract(
  'redis via Sentinel, minReplicas 1',
  (retention) =>
    createRedisStorage({
      sentinels: sentinelGroup().sentinels,
      masterName: sentinelGroup().masterName,
      keyPrefix: randomPrefix('sentinel'),
      minReplicas: 1,
      replicaWaitMs: 2_000,
      commandTimeoutMs: 5_000,
      ...retention,
      onError: () => undefined,
    }),
  { deliveryTimeoutMs: 15_000 },
)

describe('redis storage waiting for replicas', () => {
  it('rejects an append no replica confirms, naming minReplicas; the retry is stored once', async () => {
    const port = await sparePort()
    const dir = await redisTempDir()
    // A lone server: no replica can confirm anything.
    await startRedisProcess(port, ['--port', String(port), '--bind', '127.0.0.1', '--save', ''], dir)
    const keyPrefix = randomPrefix('wait')
    const url = `redis://127.0.0.1:${port}`
    const waiting = createRedisStorage({
      url,
      keyPrefix,
      minReplicas: 1,
      replicaWaitMs: 50,
      onError: () => undefined,
    })
    const plain = createRedisStorage({ url, keyPrefix, onError: () => undefined })
    try {
      const input = { key: 'k', envelope: testEnvelope('t1') }
      await expect(waiting.append(input)).rejects.toThrow(
        /0 of 1 replicas confirmed within 50 ms \(minReplicas\)/,
      )
      // Flow.ai retries after the 503: the event the master kept is found, not stored twice.
      await expect(waiting.append(input)).rejects.toThrow(/minReplicas/)
      const retried = await plain.append(input)
      expect(retried.duplicate).toBe(true)
      expect(await plain.lastId({ thread: 't1' })).toBe(retried.threadEventId)
    } finally {
      await Promise.all([waiting.close(), plain.close()])
    }
  })
})
