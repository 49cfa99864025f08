// The Redis backend on a Sentinel-managed pair (a master, a replica, three sentinels started here), with the
// append waiting for the replica: the storage contract, and what an unconfirmed append does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisStorage } from './redis-storage.js'
import {
  redisCommand,
  redisTempDir,
  requireRedisBinaries,
  sparePort,
  startRedisProcess,
  startSentinelGroup,
  stopAllRedisServers,
  type SentinelGroup,
} from './redis-servers-test-support.js'
import { randomPrefix } from './redis-test-support.js'
import { describeStorageContract, testEnvelope } from './storage-contract.js'
import type { EventEnvelope } from './types.js'

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

  it('hands live subscribers only entries a replica holds', async () => {
    const port = await sparePort()
    const dir = await redisTempDir()
    const flags = (p: number) => ['--port', String(p), '--bind', '127.0.0.1', '--save', '']
    await startRedisProcess(port, flags(port), dir)
    const keyPrefix = randomPrefix('durable')
    const url = `redis://127.0.0.1:${port}`
    const errors: string[] = []
    const waiting = createRedisStorage({
      url,
      keyPrefix,
      minReplicas: 1,
      replicaWaitMs: 50,
      onError: (error) => errors.push(error instanceof Error ? error.message : String(error)),
    })
    const plain = createRedisStorage({ url, keyPrefix, onError: () => undefined })
    try {
      const confirmed: EventEnvelope[] = []
      const unconfirmed: EventEnvelope[] = []
      waiting.subscribe({ thread: 't1' }, (e) => confirmed.push(e))
      plain.subscribe({ thread: 't1' }, (e) => unconfirmed.push(e))
      await Promise.all([waiting.lastId('operators'), plain.lastId('operators')])
      // Stored by an instance that does not wait: the master has it, no replica does.
      await plain.append({ key: 'k', envelope: testEnvelope('t1', 'unreplicated') })
      await until(() => unconfirmed.length === 1, 'the event on the subscriber that does not wait')
      await until(
        () => errors.some((m) => /replicas confirmed/.test(m)),
        'the waiting tail to hold the entry back',
      )
      expect(confirmed).toEqual([])
      const replica = await sparePort()
      await startRedisProcess(replica, [...flags(replica), '--replicaof', '127.0.0.1', String(port)], dir)
      await until(
        async () => /master_link_status:up/.test(String(await redisCommand(replica, 'INFO', 'replication'))),
        'the replica to sync',
      )
      await until(() => confirmed.length === 1, 'the event once a replica holds it')
      expect(confirmed[0]!.id).toBe(unconfirmed[0]!.id)
    } finally {
      await Promise.all([waiting.close(), plain.close()])
    }
  })
})

async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
