// The relay under a long production-like churn: does it leak memory or handles? Runnable alone:
//   pnpm exec node --conditions=@flowchat/source --import tsx test/bench/relay/soak.ts \
//     [--seconds=60] [--storage=memory|redis] [--concurrency=500] [--snapshots=<dir>]
// and as `pnpm bench --only=soak` (a short run, memory storage).
import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { resolve } from 'node:path'
import { flag, option } from '../lib/argv.js'
import { startChild, type Child } from '../lib/child-process.js'
import { sleep } from '../lib/clock.js'
import { fig, type Section } from '../lib/report.js'
import { slope } from '../lib/stats.js'
import { buildRelay, relayBuilt, startRelayProcess } from './relay-build.js'
import { freshSecrets, type RelayConfig, type RelayInfo } from './relay-config.js'
import type { RelaySample } from './relay-process.js'
import type { ChurnJob, ChurnProgress } from './soak-visitors.js'

export interface SoakOptions {
  seconds: number
  storage: 'memory' | 'redis'
  redisUrl?: string
  /** Visitors under way at once (threads alive). Default 500. */
  concurrency?: number
  /** Share of visitors that send a message. Default `soakShape.sendShare`. */
  sendShare?: number
  /** Write a heap snapshot of the relay here at the start and the end of the steady phase. */
  snapshotDir?: string
}

/** One reading of the relay while visitors churn, against how many had come and gone by then. */
export interface SoakSample extends RelaySample {
  atMs: number
  visitors: number
  /** Time the visitors were churning until then (pauses for samples left out). */
  churnMs: number
}

/** The churn's shape; the report prints it beside the figures. */
export const soakShape = {
  eventsPerVisitor: 3,
  sendShare: 0.3,
  resumeShare: 0.2,
  dwellMs: 400,
  /**
   * Retention in the soak: events and dedupe keys live 5 s (the memory storage then also sweeps the threads left
   * empty every 5 s, not every minute), and memory storage holds at most 1 MiB of events and 5,000 dedupe keys.
   * Each visitor lasts a second or two, so all of it fills in the first seconds and stays full: growth after that
   * is not retention.
   */
  retention: { maxAgeMs: 5_000, maxBytes: 1024 * 1024, maxKeys: 5_000 },
} as const

/** A stand-in for Flow.ai's REST API: every call answers `{"status":"ok"}`, as a send's acknowledgement does. */
async function startFlowStub(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    req.resume()
    req.once('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"status":"ok"}')
    })
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as { port: number }
  return { server, url: `http://127.0.0.1:${port}` }
}

/**
 * Heap one key of the in-memory rate-limit LRU holds (its node, count, window start and `thread:<id>` key), read off
 * heap snapshots of the soak: 20,237 keys, 4.1 MB. Each thread that sends adds one, up to 50,000 keys per limit.
 */
export const RATE_LIMIT_KEY_BYTES = 200

const handleCount = (s: RelaySample) => Object.values(s.handles).reduce((a, b) => a + b, 0)
const mb = (bytes: number) => bytes / (1024 * 1024)

/**
 * Runs the built relay for `seconds` under churning visitors (soak-visitors.ts), sampling its memory after a full
 * GC, its handles and open streams about every 5 s. The first third (at least 10 s) is warm-up: retention fills,
 * code is optimised. Over the rest, the steady phase, heap growth is fitted against visitors churned.
 *
 * @example
 * const { section } = await runSoak({ seconds: 25, storage: 'memory' })
 */
export async function runSoak(options: SoakOptions): Promise<{ section: Section; samples: SoakSample[] }> {
  const concurrency = options.concurrency ?? 500
  const prefix = `soak${Date.now().toString(36)}${randomBytes(3).toString('hex')}`
  const stub = await startFlowStub()
  const children: Child[] = []
  const samples: SoakSample[] = []
  const config: RelayConfig = {
    secrets: freshSecrets(),
    storage: options.storage,
    redisUrl: options.redisUrl,
    keyPrefix: prefix,
    retentionEvents: 1_000,
    retention: soakShape.retention,
    maxStreamsPerIp: 4 * concurrency,
    maxStreamsPerToken: 5,
    flowBaseUrl: stub.url,
    // Every visitor comes from 127.0.0.1: the per-address limits would refuse all but a handful.
    rateLimit: {
      sendsPerToken: { burst: 20, perSecond: 2 },
      sendsPerIp: { burst: 1_000_000, perSecond: 1_000_000 },
      sessionsPerIp: { burst: 1_000_000, perSecond: 1_000_000 },
    },
  }
  const id = options.storage === 'memory' ? 'soak' : 'redis-soak'
  const title = `Soak: ${options.seconds} s of churning visitors, ${
    options.storage === 'memory' ? 'memory' : 'Redis'
  } storage`
  try {
    const relay = await startRelayProcess(config, ['--expose-gc'])
    children.push(relay)
    const visitors = await startChild('relay/soak-visitors.ts')
    children.push(visitors)
    const info = relay.info as RelayInfo
    const job: ChurnJob = {
      baseUrl: info.url,
      webhookUrl: info.webhookUrl,
      concurrency,
      seconds: options.seconds,
      ...soakShape,
      sendShare: options.sendShare ?? soakShape.sendShare,
      timeoutMs: 10_000,
    }
    const before = await relay.call<RelaySample>('sample')
    const started = performance.now()
    const churn = visitors.call<ChurnProgress>('churn', job, (options.seconds + 60) * 1000)
    let done = false
    void churn.finally(() => (done = true)).catch(() => undefined)
    const warmupMs = Math.max(10_000, (options.seconds * 1000) / 3)
    const everyMs = Math.min(5_000, (options.seconds * 1000) / 10)
    let snapshotsTaken = 0
    for (let next = everyMs; !done; next += everyMs) {
      await Promise.race([sleep(next - (performance.now() - started)), churn.catch(() => undefined)])
      if (done) break
      // Read with no visitor connected: the heap then holds what churn left behind, not the streams open at that
      // moment (each ~8 KB, and 150 to 500 of them, which swamped any trend).
      const paused = await visitors.call<ChurnProgress>('pause', undefined, 30_000)
      const s = await relay.call<RelaySample>('sample')
      const atMs = performance.now() - started
      if (options.snapshotDir && snapshotsTaken === 0 && atMs >= warmupMs) {
        mkdirSync(options.snapshotDir, { recursive: true })
        console.log(`  snapshot ${await relay.call<string>('heapSnapshot', options.snapshotDir, 120_000)}`)
        snapshotsTaken++
      }
      await visitors.call('resume')
      samples.push({
        ...s,
        atMs,
        visitors: paused.completed,
        churnMs: paused.elapsedMs - paused.pausedMs,
      })
      const { completed } = paused
      const last = samples.at(-1)!
      console.log(
        `  ${(last.atMs / 1000).toFixed(0).padStart(4)} s  visitors ${String(completed).padStart(7)}  ` +
          `heap ${mb(last.heapUsed).toFixed(1)} MB  rss ${mb(last.rss).toFixed(0)} MB  ` +
          `handles ${handleCount(last)} (timeouts ${last.handles.Timeout ?? 0})  streams ${last.openStreams}` +
          (last.storage ? `  stored ${last.storage.events}` : ''),
      )
    }
    const result = await churn
    if (options.snapshotDir) {
      console.log(`  snapshot ${await relay.call<string>('heapSnapshot', options.snapshotDir, 120_000)}`)
    }
    // Every visitor has left: streams and sockets must all be gone (the visitors' keep-alive sockets aside).
    const after = await relay.call<RelaySample>('sample')
    console.log(
      `  once every visitor left: handles ${JSON.stringify(after.handles)}, streams ${after.openStreams}`,
    )
    const steady = samples.filter((s) => s.atMs >= warmupMs)
    if (steady.length < 2) throw new Error(`only ${steady.length} samples after the warm-up`)
    const first = steady[0]!
    const last = steady.at(-1)!
    const bytesPerVisitor = slope(
      steady.map((s) => s.visitors),
      steady.map((s) => s.heapUsed),
    )
    const steadyVisitors = last.visitors - first.visitors
    const sendsPerVisitor = result.completed > 0 ? result.sends / result.completed : 0
    const figures = [
      fig(
        'visitorsPerSecond',
        'visitors churned per second (steady phase)',
        (steadyVisitors / (last.churnMs - first.churnMs)) * 1000,
        '/s',
      ),
      fig('visitors', 'visitors churned in all', result.completed, ''),
      fig('failed', 'visitors failed', result.failed, ''),
      fig('sends', 'messages sent (each a new key in the sends-per-token rate limit)', result.sends, ''),
      fig(
        'heapPer10k',
        'heap growth per 10,000 visitors, after GC (least squares, steady phase)',
        (bytesPerVisitor * 10_000) / 1024,
        'KB',
      ),
      fig(
        'heapPer10kBeyondLimits',
        'the same, less the rate-limit keys of the threads that sent (200 B each, bounded)',
        ((bytesPerVisitor - sendsPerVisitor * RATE_LIMIT_KEY_BYTES) * 10_000) / 1024,
        'KB',
      ),
      fig('heapStart', 'heap after GC, steady phase start', mb(first.heapUsed), 'MB'),
      fig('heapEnd', 'heap after GC, steady phase end', mb(last.heapUsed), 'MB'),
      fig('rssStart', 'RSS, steady phase start', mb(first.rss), 'MB'),
      fig('rssEnd', 'RSS, steady phase end', mb(last.rss), 'MB'),
      fig('handlesBefore', 'open handles before the visitors', handleCount(before), ''),
      fig(
        'handlesSteadyStart',
        'open handles with no visitor connected, steady phase start',
        handleCount(first),
        '',
      ),
      fig(
        'handlesSteadyEnd',
        'open handles with no visitor connected, steady phase end',
        handleCount(last),
        '',
      ),
      fig(
        'streamsPaused',
        'most streams open with no visitor connected',
        Math.max(...steady.map((s) => s.openStreams)),
        '',
      ),
      fig('handlesAfter', 'open handles once every visitor left', handleCount(after), ''),
      fig('streamsAfter', 'streams open once every visitor left', after.openStreams, ''),
    ]
    return {
      samples,
      section: {
        id,
        title,
        status: result.failed > result.completed / 100 ? 'failed' : 'ok',
        ...(result.failed > result.completed / 100
          ? { reason: `${result.failed} visitors failed: ${JSON.stringify(result.failures)}` }
          : {}),
        figures,
        config: {
          seconds: options.seconds,
          storage: options.storage,
          concurrency,
          eventsPerVisitor: soakShape.eventsPerVisitor,
          sendShare: job.sendShare,
          resumeShare: soakShape.resumeShare,
          retentionMaxAgeMs: soakShape.retention.maxAgeMs,
          ...(options.storage === 'memory'
            ? {
                retentionMaxBytes: soakShape.retention.maxBytes,
                dedupeMaxKeys: soakShape.retention.maxKeys,
              }
            : {}),
          warmupSeconds: warmupMs / 1000,
          relay: relayBuilt() ? 'built (dist/)' : 'source (tsx)',
        },
        notes: [
          `Each visitor creates a session (POST /v1/sessions), opens its thread's stream, gets ` +
            `${job.eventsPerVisitor} webhook events on it, sends a message (${job.sendShare * 100} %; Flow.ai is a ` +
            `stub answering {"status":"ok"}), drops the stream and resumes it with Last-Event-ID after a missed ` +
            `event (${job.resumeShare * 100} %), then leaves; ${concurrency} visitors are under way at once.`,
          'Every ~5 s the visitors pause: those under way leave, none arrive, and the relay is read with no visitor ' +
            'connected, after two full GCs (it runs with --expose-gc). Visitors/s counts churning time only. ' +
            'Retention is shortened (see the configuration) so it is full before the steady phase.',
          'By design, the in-memory rate-limit counts are an LRU of at most 50,000 keys per limit, and sends per ' +
            'token are counted per thread: each thread that sent holds about 200 B (heap snapshots) until that ' +
            'bound, about 10 MB; the second heap figure leaves them out. Without sends (--send-share=0) the heap is ' +
            'flat. A leak of 100 B per visitor would add about 1,000 KB per 10,000 visitors; runs of this short ' +
            'soak vary by about that much (optimised code, the LRU table growing): longer runs of relay/soak.ts ' +
            'settle it.',
        ],
      },
    }
  } catch (error) {
    console.error(error)
    return { samples, section: { id, title, status: 'failed', reason: String(error), figures: [] } }
  } finally {
    await Promise.allSettled(children.map((c) => c.stop()))
    await new Promise((done) => stub.server.close(done))
  }
}

if (resolve(process.argv[1] ?? '') === import.meta.filename) {
  const storageArg = process.argv.find((a) => a.startsWith('--storage='))?.slice('--storage='.length)
  const storage = storageArg === 'redis' ? 'redis' : 'memory'
  if (storageArg !== undefined && storageArg !== 'memory' && storageArg !== 'redis') {
    console.error(`--storage must be memory or redis, got ${storageArg}`)
    process.exit(2)
  }
  const missing = buildRelay()
  if (missing) {
    console.error(missing)
    process.exit(1)
  }
  const snapshotArg = process.argv.find((a) => a.startsWith('--snapshots='))
  const { section, samples } = await runSoak({
    seconds: option('seconds', 60),
    storage,
    redisUrl: process.env.FLOWCHAT_REDIS_URL ?? 'redis://127.0.0.1:6379',
    concurrency: option('concurrency', 500),
    sendShare: option('send-share', soakShape.sendShare),
    ...(snapshotArg ? { snapshotDir: resolve(snapshotArg.slice('--snapshots='.length)) } : {}),
  })
  console.log(`${section.title}: ${section.status}${section.reason ? ` (${section.reason})` : ''}`)
  for (const f of section.figures) console.log(`  ${f.label}: ${f.value?.toFixed(2) ?? 'n/a'} ${f.unit}`)
  if (flag('json')) console.log(JSON.stringify({ section, samples }, null, 2))
  process.exitCode = section.status === 'ok' ? 0 : 1
}
