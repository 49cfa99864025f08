// The relay under test, alone in its own process so its RSS and CPU profile are its own.
import { pathToFileURL } from 'node:url'
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
const retention = { maxEvents: config.retentionEvents, maxAgeMs: 60 * 60 * 1000 }

function storageFor(): {
  storage: EventStorage
  cleanup: () => Promise<void>
} {
  if (config.storage === 'memory') return { storage: createMemoryStorage(retention), cleanup: async () => {} }
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
    // Nothing in the benchmarks sends to Flow.ai; a closed port makes any accidental send fail fast.
    flowBaseUrl: 'http://127.0.0.1:9',
  })
  const url = await relay.listen()
  const info: RelayInfo = { url, webhookUrl: relay.webhookUrl ?? `${url}/webhooks/unknown` }
  serveParent(
    {
      tokens: (threadIds: string[]) =>
        Promise.all(threadIds.map((threadId) => relay.issueToken({ threadId }))),
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
