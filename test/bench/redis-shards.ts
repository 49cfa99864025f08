// What sharding the operators' stream (`shards`) gives on a Redis Cluster: appends per second of one relay
// instance's Redis storage on a three-master cluster started here, with shards 1 and 3, many appends in flight
// over 300 threads. One-off figure for the relay README (not part of `pnpm bench`).
//
//   node --conditions=@flowchat/source --import tsx test/bench/redis-shards.ts [appends]
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { createRedisStorage } from '../../apps/relay/src/storage/redis-storage.js'
import {
  redisCommand,
  requireRedisBinaries,
  startRedisCluster,
  stopAllRedisServers,
} from '../../apps/relay/src/storage/redis-servers-test-support.js'
import { testEnvelope } from '../../apps/relay/src/storage/storage-contract.js'

export interface ShardsResult {
  shards: number
  inFlight: number
  appendsPerSecond: number
  /** Share of the appends' script calls on the busiest master, in %. */
  busiestMasterPercent: number
  /** Script time (EVALSHA/EVAL, µs) the busiest master spent per append of the whole run. */
  busiestMasterUsPerAppend: number
}

/** EVALSHA + EVAL calls and µs on one node since its last CONFIG RESETSTAT. */
async function scriptStats(port: number): Promise<{ calls: number; usec: number }> {
  const info = String(await redisCommand(port, 'INFO', 'commandstats'))
  let calls = 0
  let usec = 0
  for (const match of info.matchAll(/cmdstat_(?:evalsha|eval):calls=(\d+),usec=(\d+)/g)) {
    calls += Number(match[1])
    usec += Number(match[2])
  }
  return { calls, usec }
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
        for (const { port } of nodes) await redisCommand(port, 'CONFIG', 'RESETSTAT')
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
        const stats = await Promise.all(nodes.map(({ port }) => scriptStats(port)))
        const busiest = stats.reduce((a, b) => (b.calls > a.calls ? b : a))
        const calls = stats.reduce((sum, s) => sum + s.calls, 0)
        results.push({
          shards,
          inFlight,
          appendsPerSecond: Math.round(appends / seconds),
          busiestMasterPercent: Math.round((100 * busiest.calls) / calls),
          busiestMasterUsPerAppend: Math.round((10 * busiest.usec) / appends) / 10,
        })
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
