// The relay under test, alone in its own process so its RSS and CPU profile are its own.
import { randomBytes } from 'node:crypto'
import { createMemoryStorage, createRelay, type EventStorage } from '@flowchat/relay'
import { childConfig, failStart, serveParent } from '../lib/child-process.js'
import { connectRedis, deleteKeys } from '../lib/redis-commands.js'
import type { RelayConfig, RelayInfo } from './relay-config.js'

const config = childConfig<RelayConfig>()
// Fresh secrets per run: nothing here is a credential anyone could reuse.
const secret = () => randomBytes(32).toString('base64url')
const retention = { maxEvents: config.retentionEvents, maxAgeMs: 60 * 60 * 1000 }

async function storageFor(): Promise<{
  storage: EventStorage
  cleanup: () => Promise<void>
}> {
  if (config.storage === 'memory') return { storage: createMemoryStorage(retention), cleanup: async () => {} }
  const { createRedisStorage } = await import('../../../apps/relay/src/storage/redis-storage.js')
  const url = config.redisUrl ?? 'redis://127.0.0.1:6379'
  const storage = createRedisStorage({ url, keyPrefix: config.keyPrefix, ...retention })
  const cleanup = async () => {
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
  const { storage, cleanup } = await storageFor()
  const relay = await createRelay({
    apiKey: secret(),
    webhookSecret: secret(),
    tokenSecret: secret(),
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
      memory: () => {
        globalThis.gc?.()
        const { rss, heapUsed, heapTotal, external } = process.memoryUsage()
        return { rss, heapUsed, heapTotal, external }
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
