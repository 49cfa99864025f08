// The relay under test, alone in its own process so its RSS and CPU profile are its own.
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { writeHeapSnapshot } from 'node:v8'
import type * as RelayModule from '@flowchat/relay'
import type { EventStorage } from '@flowchat/relay'
import { childConfig, failStart, serveParent } from '../lib/child-process.js'
import { connectRedis, deleteKeys } from '../lib/redis-commands.js'
import type { RelayConfig, RelayInfo } from './relay-config.js'

const config = childConfig<RelayConfig>()
// The relay as users run it: `@flowchat/relay` resolves to its built `dist/` (the parent starts this process without
// the workspace's source condition and builds the relay first: see relay-build.ts). BENCH_RELAY_SOURCE points at
// another relay's entry (a checkout's `apps/relay/dist/index.js`, or a source copy's `src/index.ts`), so a fix can
// be measured before and after without touching the relay's own files.
const { createMemoryStorage, createRedisStorage, createRelay } = (await import(
  process.env.BENCH_RELAY_SOURCE ? pathToFileURL(process.env.BENCH_RELAY_SOURCE).href : '@flowchat/relay'
)) as typeof RelayModule
const { maxBytes, maxKeys, maxAgeMs = 60 * 60 * 1000 } = config.retention ?? {}
const retention = { maxEvents: config.retentionEvents, maxAgeMs }

function storageFor(): {
  storage: EventStorage
  cleanup: () => Promise<void>
} {
  if (config.storage === 'memory') {
    return { storage: createMemoryStorage({ ...retention, maxBytes, maxKeys }), cleanup: async () => {} }
  }
  const url = config.redisUrl ?? 'redis://127.0.0.1:6379'
  const storage = createRedisStorage({ url, keyPrefix: config.keyPrefix, ...retention })
  const cleanup = async () => {
    if (config.keepKeys) return
    const redis = await connectRedis(url)
    try {
      await deleteKeys(redis, `${config.keyPrefix}:`)
    } finally {
      redis.close()
    }
  }
  return { storage, cleanup }
}

try {
  const { storage, cleanup } = storageFor()
  const relay = await createRelay({
    ...config.secrets,
    storage,
    // The benchmark opens every stream from one IP, and up to 100 per thread token in (b).
    maxStreamsPerIp: config.maxStreamsPerIp,
    maxStreamsPerToken: config.maxStreamsPerToken,
    port: 0,
    host: '127.0.0.1',
    // Only the soak sends to Flow.ai (a stub); elsewhere a closed port makes any accidental send fail fast.
    flowBaseUrl: config.flowBaseUrl ?? 'http://127.0.0.1:9',
    ...(config.rateLimit ? { rateLimit: config.rateLimit } : {}),
  })
  const url = await relay.listen()
  const info: RelayInfo = { url, webhookUrl: relay.webhookUrl ?? `${url}/webhooks/unknown` }
  serveParent(
    {
      tokens: (threadIds: string[]) =>
        Promise.all(threadIds.map((threadId) => relay.issueToken({ threadId }))),
      sample: () => sample(relay.app, storage),
      heapSnapshot: (dir: string) => {
        globalThis.gc?.()
        return writeHeapSnapshot(join(dir, `relay-${Date.now()}.heapsnapshot`))
      },
    },
    info,
    async () => {
      await relay.close()
      await cleanup()
    },
  )
} catch (error) {
  failStart(error)
}

/** What the soak reads every few seconds: memory after a full GC, open handles by kind, streams, storage use. */
export interface RelaySample {
  rss: number
  heapUsed: number
  external: number
  arrayBuffers: number
  /** `process.getActiveResourcesInfo()` counted by kind (TCPSocketWrap, Timeout, …). */
  handles: Record<string, number>
  /** The relay's `flowchat_open_streams` gauge. */
  openStreams: number
  /** Memory storage only: events and their bytes held. */
  storage?: { bytes: number; events: number }
}

async function sample(
  app: { inject(o: { method: 'GET'; url: string }): Promise<{ body: string }> },
  storage: EventStorage,
): Promise<RelaySample> {
  const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body
  const openStreams = Number(/^flowchat_open_streams (\d+)/m.exec(metrics)?.[1] ?? Number.NaN)
  // Twice: the first collection can leave garbage that finalisers (weak maps, closed sockets) release for the next.
  globalThis.gc?.()
  globalThis.gc?.()
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage()
  const handles: Record<string, number> = {}
  for (const kind of process.getActiveResourcesInfo()) handles[kind] = (handles[kind] ?? 0) + 1
  const usage = (storage as Partial<{ usage(): { bytes: number; events: number } }>).usage?.()
  return { rss, heapUsed, external, arrayBuffers, handles, openStreams, ...(usage ? { storage: usage } : {}) }
}
