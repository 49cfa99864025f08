// What sharding the operators' stream (`shards`) gives on a Redis Cluster: appends per second of one relay
// instance's Redis storage on a three-master cluster started here, with shards 1 and 3, many appends in flight
// over 300 threads. One-off figure for the relay README (not part of `pnpm bench`).
//
//   node --conditions=@flowchat/source --import tsx test/bench/redis-shards.ts [appends]
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { createRedisStorage } from '../../apps/relay/src/storage/redis-storage.js'
import {
  requireRedisBinaries,
  startRedisCluster,
  stopAllRedisServers,
} from '../../apps/relay/src/storage/redis-servers-support.js'
import { testEnvelope } from '../../apps/relay/src/storage/storage-contract.js'

export interface ShardsResult {
  shards: number
  inFlight: number
  appendsPerSecond: number
}

/** Measures appends on a fresh three-master cluster, then stops it. */
export async function measureShards(appends = 20_000): Promise<ShardsResult[]> {
  await requireRedisBinaries()
  try {
    const { nodes } = await startRedisCluster()
    const results: ShardsResult[] = []
    for (const inFlight of [64]) {
      for (const shards of [1, 3, 1, 3]) {
        const storage = createRedisStorage({
          clusterNodes: nodes,
          keyPrefix: `bench-shards-${shards}-${results.length}`,
          shards,
        })
        let next = 0
        const worker = async () => {
          while (next < appends) {
            const i = next++
            await storage.append({ key: `k${i}`, envelope: testEnvelope(`t${i % 300}`, `event ${i}`) })
          }
        }
        const started = performance.now()
        await Promise.all(Array.from({ length: inFlight }, worker))
        const seconds = (performance.now() - started) / 1000
        await storage.close()
        results.push({ shards, inFlight, appendsPerSecond: Math.round(appends / seconds) })
      }
    }
    return results
  } finally {
    await stopAllRedisServers()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.table(await measureShards(Number(process.argv[2] ?? 20_000)))
}
