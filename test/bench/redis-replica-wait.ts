// What waiting for a replica (`minReplicas`, Redis WAIT) adds to each append: the Redis storage's append time
// on a master with one replica (both private redis-servers started here), without and with minReplicas 1,
// one append at a time and 16 in flight.
//
//   node --conditions=@flowchat/source --import tsx test/bench/redis-replica-wait.ts [appends]
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { createRedisStorage } from '../../apps/relay/src/storage/redis-storage.js'
import {
  redisCommand,
  redisServerFlags,
  redisTempDir,
  requireRedisBinaries,
  sparePort,
  startRedisProcess,
  stopAllRedisServers,
} from '../../apps/relay/src/storage/redis-servers-test-support.js'
import { testEnvelope } from '../../apps/relay/src/storage/storage-contract.js'
import { percentile } from './lib/stats.js'

export interface ReplicaWaitResult {
  minReplicas: number
  inFlight: number
  p50Us: number
  p99Us: number
  appendsPerSecond: number
}

/** Measures appends on a fresh master + replica pair, then stops both. */
export async function measureReplicaWait(appends = 2000): Promise<ReplicaWaitResult[]> {
  await requireRedisBinaries()
  const dir = await redisTempDir()
  try {
    const master = await sparePort()
    await startRedisProcess(master, redisServerFlags(master), dir)
    const replica = await sparePort()
    await startRedisProcess(
      replica,
      [...redisServerFlags(replica), '--replicaof', '127.0.0.1', String(master)],
      dir,
    )
    for (
      let i = 0;
      !/master_link_status:up/.test(String(await redisCommand(replica, 'INFO', 'replication')));
      i++
    ) {
      if (i === 100) throw new Error('the replica did not sync')
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const results: ReplicaWaitResult[] = []
    for (const inFlight of [1, 16]) {
      for (const minReplicas of [0, 1]) {
        const storage = createRedisStorage({
          url: `redis://127.0.0.1:${master}`,
          keyPrefix: `bench-wait-${minReplicas}-${inFlight}`,
          minReplicas,
        })
        const times: number[] = []
        let next = 0
        const worker = async () => {
          while (next < appends + 200) {
            const i = next++
            const start = performance.now()
            await storage.append({ key: `k${i}`, envelope: testEnvelope(`t${i % 50}`, `event ${i}`) })
            if (i >= 200) times.push((performance.now() - start) * 1000)
          }
        }
        const started = performance.now()
        await Promise.all(Array.from({ length: inFlight }, worker))
        const seconds = (performance.now() - started) / 1000
        await storage.close()
        const sorted = times.toSorted((x, y) => x - y)
        results.push({
          minReplicas,
          inFlight,
          p50Us: Math.round(percentile(sorted, 50)),
          p99Us: Math.round(percentile(sorted, 99)),
          appendsPerSecond: Math.round((appends + 200) / seconds),
        })
      }
    }
    return results
  } finally {
    await stopAllRedisServers()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await measureReplicaWait(Number(process.argv[2] ?? 2000))
  console.table(results)
}
