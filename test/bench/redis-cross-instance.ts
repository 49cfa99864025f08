// Cross-instance delivery latency on Redis storage: a webhook POSTed to relay A, until its SSE event arrives
// from relay B. Both relays are child processes on one Redis; the clock is this process's, at both ends.
//
//   pnpm exec tsx --conditions=@flowchat/source test/bench/redis-cross-instance.ts [events]
import { randomBytes } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import { performance } from 'node:perf_hooks'
import { deleteKeys, randomPrefix, requireRedis } from '../../apps/relay/src/storage/redis-test-support.js'
import { freshSecrets } from './relay/relay-config.js'
import {
  openStream,
  postWebhook,
  startInstance,
  stopAllInstances,
  until,
  webhookBody,
  type StreamRecorder,
} from '../relay-cluster-support.js'

export interface CrossInstanceOptions {
  /** Measured events (after the warm-up). Default 1000. */
  events?: number
  /** Events sent first and not measured (connections, JIT, script cache). Default 100. */
  warmup?: number
  /** Threads the events are spread over, one SSE stream each on B. Default 10. */
  threads?: number
  /** Default `FLOWCHAT_REDIS_URL`, else redis://127.0.0.1:6379. */
  redisUrl?: string
}

export interface CrossInstanceResult {
  events: number
  p50Ms: number
  p99Ms: number
  meanMs: number
  maxMs: number
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
const round = (ms: number) => Math.round(ms * 100) / 100

/**
 * Posts webhooks to instance A one after another and times each until B's SSE stream delivers it.
 *
 * @example
 * const { p50Ms, p99Ms } = await measureCrossInstanceLatency({ events: 1000 })
 */
export async function measureCrossInstanceLatency(
  options: CrossInstanceOptions = {},
): Promise<CrossInstanceResult> {
  const events = options.events ?? 1000
  const warmup = options.warmup ?? 100
  const threadCount = options.threads ?? 10
  const redisUrl = options.redisUrl ?? process.env.FLOWCHAT_REDIS_URL ?? 'redis://127.0.0.1:6379'
  await requireRedis(redisUrl)
  const { webhookSecret, tokenSecret } = freshSecrets()
  const config = {
    redisUrl,
    keyPrefix: randomPrefix('bench'),
    webhookSecret,
    tokenSecret,
    retryMs: 100,
  }
  const streams: StreamRecorder[] = []
  try {
    const [a, b] = await Promise.all([startInstance(config), startInstance(config)])
    const threads = Array.from(
      { length: threadCount },
      (_, i) => `bench-${i}|${randomBytes(4).toString('hex')}`,
    )
    const sentAt = new Map<string, number>()
    const latencies: number[] = []
    for (const threadId of threads) {
      const stream = openStream(
        b.url,
        `/v1/threads/${encodeURIComponent(threadId)}/events`,
        await b.token({ threadId }),
      )
      stream.onEvent = (event) => {
        const start = sentAt.get(event.text)
        if (start !== undefined && !event.text.startsWith('w')) latencies.push(performance.now() - start)
      }
      streams.push(stream)
    }
    await until(() => streams.every((s) => s.opens === 1), 'the SSE streams on B')
    const total = warmup + events
    for (let i = 0; i < total; i++) {
      const text = `${i < warmup ? 'w' : 'm'}${i}`
      sentAt.set(text, performance.now())
      const { status } = await postWebhook(
        a.url,
        config.webhookSecret,
        webhookBody(threads[i % threadCount]!, text),
      )
      if (status !== 200) throw new Error(`webhook ${i} answered ${status}`)
    }
    await until(() => latencies.length === events, 'every measured event on B', 60_000)
    const sorted = latencies.toSorted((x, y) => x - y)
    return {
      events,
      p50Ms: round(percentile(sorted, 50)),
      p99Ms: round(percentile(sorted, 99)),
      meanMs: round(sorted.reduce((sum, x) => sum + x, 0) / sorted.length),
      maxMs: round(sorted.at(-1) ?? Number.NaN),
    }
  } finally {
    for (const stream of streams) stream.close()
    await stopAllInstances()
    await deleteKeys(redisUrl, [config.keyPrefix])
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const events = Number(process.argv[2] ?? 1000)
  measureCrossInstanceLatency({ events }).then(
    (result) => {
      console.log(
        `cross-instance delivery (webhook on A → SSE on B, Redis, ${result.events} events): ` +
          `p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, mean ${result.meanMs} ms, max ${result.maxMs} ms`,
      )
      console.log(JSON.stringify(result))
    },
    (error: unknown) => {
      console.error(error)
      process.exitCode = 1
    },
  )
}
