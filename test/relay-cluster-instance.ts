// One relay instance of the multi-instance tests and benchmark, in its own process, on Redis storage. The
// parent passes its config as JSON in argv[2], gets `{ type: 'ready', url }` over IPC, asks for tokens with
// `{ type: 'token', id, claims }`, and stops it with SIGTERM (or SIGKILL, to play a crash).
import { randomBytes } from 'node:crypto'
import { createRedisStorage, createRelay, type TokenClaims } from '@flowchat/relay'

/** What the parent passes. Every instance of one cluster gets the same secrets, Redis and prefix. */
export interface InstanceConfig {
  /** One Redis server; or its credentials with `sentinels` / `clusterNodes`. */
  redisUrl?: string
  /** A Sentinel-managed master instead of `redisUrl`. */
  sentinels?: { host: string; port: number }[]
  masterName?: string
  /** A Redis Cluster instead of `redisUrl`. */
  clusterNodes?: { host: string; port: number }[]
  /** Shards of the operators' stream. */
  shards?: number
  /** Replicas each append waits for (`WAIT`). */
  minReplicas?: number
  keyPrefix: string
  webhookSecret: string
  tokenSecret: string
  /** The SSE `retry:` hint; short, so clients of a killed instance come back quickly. */
  retryMs: number
}

export type InstanceRequest = { type: 'token'; id: number; claims: TokenClaims }
export type InstanceMessage =
  | { type: 'ready'; url: string }
  | { type: 'failed'; error: string }
  | { type: 'token'; id: number; token: string }

const send = (message: InstanceMessage) => process.send?.(message)

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as InstanceConfig
  const storage = createRedisStorage({
    ...(config.redisUrl === undefined ? {} : { url: config.redisUrl }),
    ...(config.sentinels === undefined
      ? {}
      : { sentinels: config.sentinels, masterName: config.masterName ?? '' }),
    ...(config.clusterNodes === undefined ? {} : { clusterNodes: config.clusterNodes }),
    ...(config.minReplicas === undefined ? {} : { minReplicas: config.minReplicas }),
    ...(config.shards === undefined ? {} : { shards: config.shards }),
    keyPrefix: config.keyPrefix,
  })
  // Serve only once Redis answers, as a load balancer checking /readyz would: a stream opened before that
  // could not tell where "now" is in the shared log.
  for (let attempt = 0; !(await storage.ready()); attempt++) {
    if (attempt === 100) throw new Error('Redis did not answer')
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const relay = await createRelay({
    // Nothing here sends to Flow.ai: a random key and a closed port make an accidental send fail fast.
    apiKey: randomBytes(16).toString('hex'),
    flowBaseUrl: 'http://127.0.0.1:9/',
    webhookSecret: config.webhookSecret,
    tokenSecret: config.tokenSecret,
    retryMs: config.retryMs,
    storage,
  })
  const url = await relay.listen()
  process.on('message', (request: InstanceRequest) => {
    if (request.type !== 'token') return
    void relay.issueToken(request.claims).then((token) => send({ type: 'token', id: request.id, token }))
  })
  const stop = () => void relay.close().finally(() => process.exit(0))
  process.once('SIGTERM', stop)
  // The test runner went away: do not outlive it.
  process.once('disconnect', stop)
  send({ type: 'ready', url })
}

main().catch((error: unknown) => {
  send({ type: 'failed', error: error instanceof Error ? error.message : String(error) })
  process.exitCode = 1
  process.disconnect?.()
})
