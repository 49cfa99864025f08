// Relay scenarios (a)–(e) of issue 9, each driven from this process through separate relay, generator and
// subscriber processes on loopback.
import { join } from 'node:path'
import { startChild, type Child } from '../lib/child-process.js'
import { fig, type Figure, type Section } from '../lib/report.js'
import { summarize } from '../lib/stats.js'
import type { PostJob, PostResult } from './post-generator.js'
import { freshSecrets, type RelayConfig, type RelayInfo } from './relay-config.js'
import { relayBuilt, startRelayProcess } from './relay-build.js'
import type {
  CatchUpJob,
  CatchUpResult,
  ExpectJob,
  ExpectResult,
  OpenJob,
  OpenResult,
  Subscription,
} from './sse-subscribers.js'

export interface RelayBenchOptions {
  storage: 'memory' | 'redis'
  redisUrl?: string
  /** Run the relay under `--cpu-prof`, writing into this directory. */
  profileDir?: string
}

/** Sizes and bounds of every scenario; the report prints them next to the figures. */
export const scenario = {
  concurrency: 16,
  a: { threads: 1_000, posts: 8_000, warmupPosts: 1_000 },
  /** (a) again at a fixed 1,000 POSTs/s: latency of the storage path, not of the generator's own queue. */
  paced: { threads: 1_000, posts: 5_000, ratePerSecond: 1_000 },
  b: { threads: 10, subscribersPerThread: 100, posts: 1_000, warmupPosts: 100 },
  c: { connections: 10_000 },
  d: { missed: 10_000 },
  e: { posts: 3_000, rounds: 3, warmupPosts: 1_000 },
  /** Every phase (opening streams, a POST run, waiting for deliveries) gives up after this long. */
  phaseTimeoutMs: 30_000,
} as const

/** What a benchmark relay lifts above production defaults, so the figures measure speed, not limits. */
export function relayConfig(options: RelayBenchOptions, prefix: string): RelayConfig {
  return {
    secrets: freshSecrets(),
    storage: options.storage,
    redisUrl: options.redisUrl,
    keyPrefix: prefix,
    retentionEvents: 2 * scenario.d.missed,
    maxStreamsPerIp: 2 * scenario.c.connections,
    maxStreamsPerToken: 2 * scenario.b.subscribersPerThread,
  }
}

/** A server the scenarios drive: the relay (one or more instances) or the bare node:http ceiling. */
interface Server {
  /** Where subscribers open streams; several instances share the subscribers in turn. */
  streamBases: string[]
  /** POST i goes to postUrls[i % length]; `{thread}` is the POST's thread. */
  postUrls: string[]
  tokens(threads: string[]): Promise<string[]>
  /** CPU time (µs) of every process of the server, summed. */
  cpu(): Promise<number>
}

function relayServer(relays: { child: Child; info: RelayInfo }[]): Server {
  return {
    streamBases: relays.map((r) => r.info.url),
    postUrls: relays.map((r) => r.info.webhookUrl),
    // Tokens are signed with the secret every instance shares.
    tokens: (threads) => relays[0]!.child.call<string[]>('tokens', threads),
    cpu: async () =>
      (await Promise.all(relays.map((r) => r.child.call<number>('cpu')))).reduce((a, b) => a + b, 0),
  }
}

function bareServer(bare: Child): Server {
  const { baseUrl } = bare.info as { baseUrl: string }
  return {
    streamBases: [baseUrl],
    postUrls: [`${baseUrl}/webhooks/bare/{thread}`],
    tokens: (threads) => Promise.resolve(threads.map(() => 'none')),
    cpu: () => bare.call<number>('cpu'),
  }
}

const threadIds = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}|t${i}`)

interface Rig {
  /** The relay's config, so a second instance can share its storage and secrets. */
  config: RelayConfig
  relay: Child
  relayInfo: RelayInfo
  gen: Child
  subs: Child
  /** Each child's clock minus ours (ms). */
  genOffset: number
  subsOffset: number
  /** Add to a raw (subscriber clock − generator clock) latency to put both ends on one clock. */
  latencyCorrection: number
  seq: number
}

async function subscribe(
  rig: Rig,
  threads: string[],
  perThread: number,
  server: Server = relayServer([{ child: rig.relay, info: rig.relayInfo }]),
): Promise<OpenResult> {
  const tokens = await server.tokens(threads)
  // Subscriber k of each thread goes to instance k % instances: each instance holds its share of every thread.
  const byBase = server.streamBases.map(() => [] as Subscription[])
  for (let k = 0; k < perThread; k++) {
    threads.forEach((threadId, i) => byBase[k % byBase.length]!.push({ threadId, token: tokens[i]! }))
  }
  let opened: OpenResult = { open: 0, failures: {}, durationMs: 0 }
  for (const [i, subscriptions] of byBase.entries()) {
    if (subscriptions.length === 0) continue
    const job: OpenJob = {
      baseUrl: server.streamBases[i]!,
      subscriptions,
      parallel: 64,
      timeoutMs: scenario.phaseTimeoutMs,
    }
    const got = await rig.subs.call<OpenResult>('open', job, scenario.phaseTimeoutMs + 5_000)
    if (got.open !== subscriptions.length) {
      throw new Error(
        `opened ${got.open} of ${subscriptions.length} streams: ${JSON.stringify(got.failures)}`,
      )
    }
    opened = {
      open: opened.open + got.open,
      failures: { ...opened.failures, ...got.failures },
      durationMs: opened.durationMs + got.durationMs,
    }
  }
  return opened
}

async function postRun(
  rig: Rig,
  threads: string[],
  count: number,
  url: string | string[] = rig.relayInfo.webhookUrl,
  ratePerSecond?: number,
) {
  const urls = typeof url === 'string' ? [url] : url
  const job: PostJob = {
    ...(ratePerSecond ? { ratePerSecond } : {}),
    url: urls[0]!,
    ...(urls.length > 1 ? { urls } : {}),
    count,
    concurrency: scenario.concurrency,
    threads,
    timeoutMs: scenario.phaseTimeoutMs,
    seqBase: rig.seq,
  }
  rig.seq += count
  const result = await rig.gen.call<PostResult>('run', job, scenario.phaseTimeoutMs + 5_000)
  if (result.ok !== count)
    throw new Error(`${result.ok} of ${count} POSTs answered 2xx: ${JSON.stringify(result.failures)}`)
  return result
}

async function deliveries(rig: Rig, count: number): Promise<ExpectResult> {
  const job: ExpectJob = { count, timeoutMs: scenario.phaseTimeoutMs }
  const got = await rig.subs.call<ExpectResult>('expect', job, scenario.phaseTimeoutMs + 5_000)
  if (got.received < count) throw new Error(`received ${got.received} of ${count} deliveries`)
  return got
}

/** (a) one subscriber per thread, POSTs spread over the threads. */
async function throughput(rig: Rig, server = relayServer([{ child: rig.relay, info: rig.relayInfo }])) {
  const threads = threadIds(server.postUrls[0]!.includes('{thread}') ? 'ba' : 'a', scenario.a.threads)
  await subscribe(rig, threads, 1, server)
  await postRun(rig, threads, scenario.a.warmupPosts, server.postUrls)
  await deliveries(rig, scenario.a.warmupPosts)
  const cpuBefore = await server.cpu()
  const posts = await postRun(rig, threads, scenario.a.posts, server.postUrls)
  const got = await deliveries(rig, scenario.a.posts)
  const cpuUs = (await server.cpu()) - cpuBefore
  await rig.subs.call('closeAll')
  const latency = summarize(got.latencies.map((l) => l + rig.latencyCorrection))
  return [
    fig('postsPerSecond', 'webhook POSTs/s', posts.postsPerSecond, '/s'),
    fig('p50', 'POST → SSE latency p50', latency.p50, 'ms'),
    fig('p99', 'POST → SSE latency p99', latency.p99, 'ms'),
    fig('max', 'POST → SSE latency max', latency.max, 'ms'),
    fig('ackP99', 'POST answer p99', posts.ack.p99, 'ms'),
    fig('cpuPerPost', 'server CPU per POST (ingest + 1 delivery)', cpuUs / scenario.a.posts, 'µs'),
  ]
}

/** (a) at a fixed rate well below saturation. */
async function pacedLatency(
  rig: Rig,
  server = relayServer([{ child: rig.relay, info: rig.relayInfo }]),
): Promise<Figure[]> {
  const threads = threadIds(server.postUrls[0]!.includes('{thread}') ? 'bp' : 'p', scenario.paced.threads)
  await subscribe(rig, threads, 1, server)
  await postRun(rig, threads, 500, server.postUrls)
  await deliveries(rig, 500)
  const { posts, ratePerSecond } = scenario.paced
  const cpuBefore = await server.cpu()
  await postRun(rig, threads, posts, server.postUrls, ratePerSecond)
  const got = await deliveries(rig, posts)
  const cpuUs = (await server.cpu()) - cpuBefore
  await rig.subs.call('closeAll')
  const latency = summarize(got.latencies.map((l) => l + rig.latencyCorrection))
  return [
    fig('p50', 'POST → SSE latency p50', latency.p50, 'ms'),
    fig('p99', 'POST → SSE latency p99', latency.p99, 'ms'),
    fig('max', 'POST → SSE latency max', latency.max, 'ms'),
    fig('cpuPerPost', 'server CPU per POST (ingest + 1 delivery)', cpuUs / posts, 'µs'),
  ]
}

/** (b) many subscribers per thread: every POST fans out to 100 streams. */
async function fanOut(
  rig: Rig,
  server = relayServer([{ child: rig.relay, info: rig.relayInfo }]),
): Promise<Figure[]> {
  const threads = threadIds(
    `b${server.postUrls.length}${server.postUrls[0]!.includes('{thread}') ? 'x' : ''}`,
    scenario.b.threads,
  )
  const perThread = scenario.b.subscribersPerThread
  await subscribe(rig, threads, perThread, server)
  await postRun(rig, threads, scenario.b.warmupPosts, server.postUrls)
  await deliveries(rig, scenario.b.warmupPosts * perThread)
  const cpuBefore = await server.cpu()
  const posts = await postRun(rig, threads, scenario.b.posts, server.postUrls)
  const expected = scenario.b.posts * perThread
  const got = await deliveries(rig, expected)
  const cpuUs = (await server.cpu()) - cpuBefore
  await rig.subs.call('closeAll')
  const latency = summarize(got.latencies.map((l) => l + rig.latencyCorrection))
  // From the first POST sent to the last delivery read, both on the parent's clock.
  const spanMs = got.lastReceivedAt - rig.subsOffset - (posts.startedAt - rig.genOffset)
  return [
    fig('deliveriesPerSecond', 'deliveries/s', (expected / spanMs) * 1000, '/s'),
    fig('postsPerSecond', 'webhook POSTs/s', posts.postsPerSecond, '/s'),
    fig('p50', 'POST → SSE latency p50', latency.p50, 'ms'),
    fig('p99', 'POST → SSE latency p99', latency.p99, 'ms'),
    fig('max', 'POST → SSE latency max', latency.max, 'ms'),
    fig('cpuPerDelivery', 'server CPU per delivery (ingest included)', cpuUs / expected, 'µs'),
  ]
}

/** (c) idle streams: what each costs the relay process in resident memory, beside a bare node:http SSE server. */
async function idleConnections(rig: Rig, bare: Child): Promise<Figure[]> {
  const n = scenario.c.connections
  const threads = threadIds('c', n)
  const perStream = async (server: Child, open: () => Promise<OpenResult>) => {
    const before = await server.call<Memory>('memory')
    const opened = await open()
    // Let socket buffers and lazily created per-stream state settle before reading RSS.
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    const after = await server.call<Memory>('memory')
    const reduced = await server.call<Memory>('memoryReduced')
    await rig.subs.call('closeAll')
    const delta = (key: keyof Memory) => (after[key] - before[key]) / n / 1024
    return { before, after, opened, delta, reducedRss: (reduced.rss - before.rss) / n / 1024 }
  }
  const relay = await perStream(rig.relay, () => subscribe(rig, threads, 1))
  const bareUrl = (bare.info as { url: string }).url
  const floor = await perStream(bare, () =>
    rig.subs.call<OpenResult>('open', {
      baseUrl: bareUrl,
      subscriptions: threads.map((threadId) => ({ threadId, token: 'none' })),
      parallel: 64,
      timeoutMs: scenario.phaseTimeoutMs,
    } satisfies OpenJob),
  )
  if (floor.opened.open !== n) throw new Error(`bare SSE server took ${floor.opened.open} of ${n} streams`)
  return [
    fig('rssPerConnection', 'relay RSS per idle stream', relay.delta('rss'), 'KB'),
    fig('heapPerConnection', 'relay JS heap used per idle stream', relay.delta('heapUsed'), 'KB'),
    fig('heapTotalPerConnection', 'relay JS heap reserved per idle stream', relay.delta('heapTotal'), 'KB'),
    fig('externalPerConnection', 'relay external (buffers) per idle stream', relay.delta('external'), 'KB'),
    fig('bareRssPerConnection', 'bare node:http SSE server RSS per idle stream', floor.delta('rss'), 'KB'),
    fig(
      'rssReducedPerConnection',
      'relay RSS per idle stream after a memory-reducing GC',
      relay.reducedRss,
      'KB',
    ),
    fig(
      'bareRssReducedPerConnection',
      'bare node:http SSE server RSS per idle stream after a memory-reducing GC',
      floor.reducedRss,
      'KB',
    ),
    fig(
      'bareHeapPerConnection',
      'bare node:http SSE server JS heap per idle stream',
      floor.delta('heapUsed'),
      'KB',
    ),
    fig('rssBefore', 'relay RSS before', relay.before.rss / 2 ** 20, 'MB'),
    fig('rssAfter', `relay RSS with ${n.toLocaleString('en-US')} streams`, relay.after.rss / 2 ** 20, 'MB'),
    fig(
      'openSeconds',
      `time to open ${n.toLocaleString('en-US')} relay streams`,
      relay.opened.durationMs / 1000,
      's',
    ),
  ]
}

/** (d) a subscriber that missed 10,000 events comes back with its last id. */
async function catchUpAfterGap(rig: Rig): Promise<Figure[]> {
  const [threadId] = threadIds('d', 1) as [string]
  const [token] = await rig.relay.call<string[]>('tokens', [threadId])
  await subscribe(rig, [threadId], 1)
  await postRun(rig, [threadId], 1)
  const first = await deliveries(rig, 1)
  await rig.subs.call('closeAll')
  const lastEventId = first.lastIds[threadId]
  if (!lastEventId) throw new Error('the first event carried no id')
  await postRun(rig, [threadId], scenario.d.missed)
  const job: CatchUpJob = {
    baseUrl: rig.relayInfo.url,
    threadId,
    token: token!,
    lastEventId,
    count: scenario.d.missed,
    timeoutMs: scenario.phaseTimeoutMs,
  }
  const result = await rig.subs.call<CatchUpResult>('catchUp', job, scenario.phaseTimeoutMs + 5_000)
  if (result.received !== scenario.d.missed || result.resets > 0 || !result.inOrder) {
    throw new Error(
      `catch-up got ${result.received} of ${scenario.d.missed} events in ${result.reconnects + 1} connections, ` +
        `${result.resets} resets, in order: ${result.inOrder}`,
    )
  }
  return [
    fig('catchUpMs', `catch up ${scenario.d.missed.toLocaleString('en-US')} missed events`, result.ms, 'ms'),
    fig('eventsPerSecond', 'catch-up events/s', (scenario.d.missed / result.ms) * 1000, '/s'),
    fig('headMs', 'time to response head', result.headMs, 'ms'),
    fig('reconnects', 'reconnects needed (relay ended the stream)', result.reconnects, ''),
  ]
}

/** (e) webhook ingest with nobody listening, beside a bare node:http server, same generator, interleaved. */
async function ingestCeiling(rig: Rig, bare: Child): Promise<Figure[]> {
  const threads = threadIds('e', scenario.a.threads)
  const bareUrl = (bare.info as { url: string }).url
  await postRun(rig, threads, scenario.e.warmupPosts)
  await postRun(rig, threads, scenario.e.warmupPosts, bareUrl)
  const relayRates: number[] = []
  const bareRates: number[] = []
  const relayCpu: number[] = []
  for (let r = 0; r < scenario.e.rounds; r++) {
    const cpuBefore = await rig.relay.call<number>('cpu')
    relayRates.push((await postRun(rig, threads, scenario.e.posts)).postsPerSecond)
    relayCpu.push(((await rig.relay.call<number>('cpu')) - cpuBefore) / scenario.e.posts)
    bareRates.push((await postRun(rig, threads, scenario.e.posts, bareUrl)).postsPerSecond)
  }
  const relay = summarize(relayRates).p50
  const ceiling = summarize(bareRates).p50
  return [
    fig('relayPostsPerSecond', 'relay webhook POSTs/s (median of rounds)', relay, '/s'),
    fig('barePostsPerSecond', 'bare node:http POSTs/s (median of rounds)', ceiling, '/s'),
    fig('ratio', 'relay / bare', (relay / ceiling) * 100, '%'),
    fig('cpuPerPost', 'relay CPU per webhook POST (median of rounds)', summarize(relayCpu).p50, 'µs'),
  ]
}

interface Memory {
  rss: number
  heapUsed: number
  heapTotal: number
  external: number
}

async function withRig<T>(
  options: RelayBenchOptions,
  prefix: string,
  fn: (rig: Rig) => Promise<T>,
): Promise<T> {
  const children: Child[] = []
  const config = relayConfig(options, prefix)
  try {
    const relay = await startRelayProcess(config, [
      '--expose-gc',
      ...(options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(options.profileDir, prefix)}`] : []),
    ])
    children.push(relay)
    const gen = await startChild('relay/post-generator.ts')
    children.push(gen)
    const subs = await startChild('relay/sse-subscribers.ts')
    children.push(subs)
    const genOffset = await gen.clockOffset()
    const subsOffset = await subs.clockOffset()
    return await fn({
      config,
      relay,
      relayInfo: relay.info as RelayInfo,
      gen,
      subs,
      genOffset,
      subsOffset,
      latencyCorrection: genOffset - subsOffset,
      seq: 0,
    })
  } finally {
    await Promise.allSettled(children.map((c) => c.stop()))
  }
}

async function section(
  id: string,
  title: string,
  config: Section['config'],
  fn: () => Promise<Figure[]>,
): Promise<Section> {
  const started = performance.now()
  try {
    const figures = await fn()
    console.log(`  ${title}: ${((performance.now() - started) / 1000).toFixed(1)} s`)
    return { id, title, status: 'ok', figures, config }
  } catch (error) {
    console.error(`  ${title} failed:`, error)
    return { id, title, status: 'failed', reason: String(error), figures: [], config }
  }
}

const lifted = (options: RelayBenchOptions) => {
  const c = relayConfig(options, 'x')
  return {
    storage: options.storage,
    retentionEvents: c.retentionEvents,
    maxStreamsPerIp: c.maxStreamsPerIp,
    maxStreamsPerToken: c.maxStreamsPerToken,
    rateLimits: 'off',
  }
}

/**
 * Runs the relay scenarios against one storage backend and returns one report section per scenario. Memory
 * runs all of (a)–(e); Redis runs the latency scenarios (a), (b) and the catch-up (d).
 *
 * @example
 * const sections = await runRelayBenchmarks({ storage: 'memory' })
 */
export async function runRelayBenchmarks(options: RelayBenchOptions): Promise<Section[]> {
  const tag = options.storage === 'memory' ? '' : `${options.storage}-`
  const label = options.storage === 'memory' ? 'memory storage' : 'Redis storage'
  const base = {
    concurrency: scenario.concurrency,
    ...lifted(options),
    relay: relayBuilt() ? 'built (dist/)' : 'source (tsx)',
  }
  const prefix = `bench${Date.now().toString(36)}${tag.replace('-', '')}`
  const sections: Section[] = []
  const main = withRig(options, `${prefix}-main`, async (rig) => {
    // Memory: the bare node:http ceiling runs beside the relay, in the same rig, with the same generator and
    // subscribers, each bare scenario right after the relay's.
    const bare = options.storage === 'memory' ? await startChild('relay/bare-server.ts') : undefined
    const ceiling = bare ? bareServer(bare) : undefined
    try {
      if (bare) {
        sections.push(
          await section(
            `${tag}e`,
            `(e) Webhook ingest vs bare node:http, ${label}`,
            { ...base, posts: scenario.e.posts, rounds: scenario.e.rounds },
            () => ingestCeiling(rig, bare),
          ),
        )
      }
      sections.push(
        await section(
          `${tag}a`,
          `(a) Throughput: 1,000 subscribers on 1,000 threads, ${label}`,
          { ...base, ...scenario.a },
          () => throughput(rig),
        ),
      )
      if (ceiling) {
        sections.push(
          await section(
            'bare-a',
            '(a) Throughput, bare node:http ceiling: 1,000 subscribers on 1,000 threads',
            { concurrency: scenario.concurrency, ...scenario.a },
            () => throughput(rig, ceiling),
          ),
        )
      }
      sections.push(
        await section(
          `${tag}paced`,
          `(a′) Latency at 1,000 POSTs/s, 1,000 subscribers on 1,000 threads, ${label}`,
          { ...base, ...scenario.paced },
          () => pacedLatency(rig),
        ),
      )
      if (ceiling) {
        sections.push(
          await section(
            'bare-paced',
            '(a′) Latency at 1,000 POSTs/s, bare node:http ceiling',
            { concurrency: scenario.concurrency, ...scenario.paced },
            () => pacedLatency(rig, ceiling),
          ),
        )
      }
      sections.push(
        await section(
          `${tag}b`,
          `(b) Fan-out: 1,000 subscribers on 10 threads, ${label}`,
          { ...base, ...scenario.b },
          () => fanOut(rig),
        ),
      )
      if (ceiling) {
        sections.push(
          await section(
            'bare-b',
            '(b) Fan-out, bare node:http ceiling: 1,000 subscribers on 10 threads',
            { concurrency: scenario.concurrency, ...scenario.b },
            () => fanOut(rig, ceiling),
          ),
        )
      }
    } finally {
      await bare?.stop()
    }
    if (options.storage === 'redis') {
      // A second relay on the same Redis (same keys, same secrets' shape): subscribers split half and half,
      // POSTs alternate between the two, as behind a load balancer.
      sections.push(
        await section(
          `${tag}b2`,
          `(b) Fan-out over two relay instances, each with half the subscribers, ${label}`,
          { ...base, ...scenario.b, instances: 2 },
          async () => {
            const second = await startRelayProcess({ ...rig.config, keepKeys: true }, ['--expose-gc'])
            try {
              const figures = await fanOut(
                rig,
                relayServer([
                  { child: rig.relay, info: rig.relayInfo },
                  { child: second, info: second.info as RelayInfo },
                ]),
              )
              const rate = figures.find((f) => f.key === 'deliveriesPerSecond')?.value ?? null
              return [
                ...figures,
                fig(
                  'deliveriesPerInstance',
                  'deliveries/s per instance',
                  rate === null ? null : rate / 2,
                  '/s',
                ),
              ]
            } finally {
              await second.stop()
            }
          },
        ),
      )
    }
    sections.push(
      await section(
        `${tag}d`,
        `(d) Catch-up after 10,000 missed events, ${label}`,
        { ...base, ...scenario.d },
        () => catchUpAfterGap(rig),
      ),
    )
  })
  // A relay that does not start fails its scenarios in the report instead of ending the run.
  await main.catch((error: unknown) => {
    console.error(error)
    sections.push({
      id: `${tag}a`,
      title: `Relay, ${label}`,
      status: 'failed',
      reason: String(error),
      figures: [],
    })
  })
  if (options.storage === 'memory') {
    // A fresh relay, so the RSS delta is the streams' and not left over from the runs above.
    sections.push(
      await withRig(options, `${prefix}-idle`, async (rig) => {
        const bare = await startChild('relay/bare-server.ts', { execArgv: ['--expose-gc'] })
        try {
          return await section(
            `${tag}c`,
            `(c) 10,000 idle SSE connections, ${label}`,
            { ...base, ...scenario.c },
            () => idleConnections(rig, bare),
          )
        } finally {
          await bare.stop()
        }
      }).catch((error: unknown): Section => {
        console.error(error)
        return {
          id: `${tag}c`,
          title: `(c) 10,000 idle SSE connections, ${label}`,
          status: 'failed',
          reason: String(error),
          figures: [],
        }
      }),
    )
  }
  return sections
}
