// `pnpm exec node --conditions=@flowchat/source --import tsx test/bench/relay/ingest-micro.ts [--posts=N] [--runs=R]
// [--no-subs]`:
// the relay's own work per webhook, in one process without HTTP: `accept` (secret, depth, parse, decode, dedupe
// digest, memory storage append) and the SSE frame of each event for one reader per thread (1,000 threads), as in
// scenario (a). Prints CPU µs per POST (main thread and whole process: GC workers apart), GC pauses and bytes
// allocated per POST, so a change to the ingest path can be compared without the noise of sockets.
// `--no-subs`: nobody listens. BENCH_RELAY_SOURCE is not read: for an A/B, run a copy whose imports point at the
// other source. GC here is not the relay's under `pnpm bench` (see findings: pretenuring), only its own garbage.
import { webhookBody } from '../lib/webhook-body.js'
import { GCProfiler } from 'node:v8'
import { createMemoryStorage } from '../../../apps/relay/src/storage/memory-storage.js'
import { eventFrame, type SseFrame } from '../../../apps/relay/src/sse-writer.js'
import { createWebhookIngest } from '../../../apps/relay/src/webhook-ingest.js'
import type { RelayMetrics } from '../../../apps/relay/src/metrics.js'
import { option } from '../lib/argv.js'
import { freshSecrets } from './relay-config.js'

const posts = option('posts', 18_000)
const runs = option('runs', 5)

const storage = createMemoryStorage({ maxEvents: 20_000, maxAgeMs: 60 * 60 * 1000 })
const noop = () => {}
const metrics = {
  webhookReceived: noop,
  webhookDeduplicated: noop,
  webhookRejected: noop,
} as unknown as RelayMetrics
const { webhookSecret } = freshSecrets()
const ingest = createWebhookIngest({ storage, metrics, settings: { webhookSecret, bodyLimitBytes: 1 << 20 } })

const threads = Array.from({ length: 1000 }, (_, i) => `ingest|t${i}`)
// One reader per thread: it frames each event as an SSE stream does, and keeps the frame as a queue would.
const queued: SseFrame[] = []
if (!process.argv.includes('--no-subs'))
  for (const thread of threads) storage.subscribe({ thread }, (event) => queued.push(eventFrame(event)))

let seq = 0
async function run(count: number): Promise<void> {
  // The bodies as the generator sends them, made before the clock starts.
  const bodies = Array.from({ length: count }, (_, i) =>
    Buffer.from(webhookBody(threads[(seq + i) % threads.length]!, seq + i)),
  )
  seq += count
  const profiler = new GCProfiler()
  profiler.start()
  const heap0 = process.memoryUsage().heapUsed
  const cpu0 = process.cpuUsage()
  const main0 = process.threadCpuUsage()
  for (let i = 0; i < count; i++) {
    await ingest.accept(webhookSecret, bodies[i]!)
    // A stream's queue is written and emptied once per turn or so.
    if (queued.length > 16) queued.length = 0
  }
  const cpu = process.cpuUsage(cpu0)
  const main = process.threadCpuUsage(main0)
  const heap1 = process.memoryUsage().heapUsed
  const gcs = profiler.stop()?.statistics ?? []
  // Bytes allocated: what the heap grew by, plus what each collection freed.
  let allocated = heap1 - heap0
  let gcUs = 0
  const kinds = new Map<string, number>()
  for (const gc of gcs) {
    allocated += gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize
    gcUs += gc.cost
    kinds.set(gc.gcType, (kinds.get(gc.gcType) ?? 0) + 1)
  }
  const per = (us: number) => (us / count).toFixed(2)
  console.log(
    `${count} POSTs: ${per(cpu.user + cpu.system)} µs CPU per POST (main thread ${per(main.user + main.system)}), ` +
      `GC ${per(gcUs)} µs per POST (${[...kinds].map(([k, n]) => `${String(n)} ${k}`).join(', ')}), ` +
      `${(allocated / count).toFixed(0)} B allocated per POST`,
  )
}

await run(3_000)
for (let i = 0; i < runs; i++) await run(posts)
