// `pnpm bench`: every benchmark under test/bench, then docs/benchmarks.md and docs/benchmarks.json.
//   --only=memory,redis,soak,fold,size,render   run a subset (the report then goes to test/bench/out/)
//   --profile                              run relays under --cpu-prof (profiles in test/bench/out/profiles/)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { format, resolveConfig } from 'prettier'
import { repoRoot, startChild } from './lib/child-process.js'
import { machine, versions } from './lib/machine.js'
import { connectRedis } from './lib/redis-commands.js'
import {
  evaluateTargets,
  findFigure,
  renderMarkdown,
  type Figure,
  type Report,
  type Section,
} from './lib/report.js'
import { measureCrossInstanceLatency } from './redis-cross-instance.js'
import { buildRelay } from './relay/relay-build.js'
import { runRelayBenchmarks } from './relay/relay-benchmarks.js'
import { runSoak } from './relay/soak.js'
import { targets } from './targets.js'
import { runRenderBenchmark } from './widget/render-benchmark.js'
import { buildWidget, widgetSize } from './widget/widget-size.js'

/** The whole run stops here, children included (they exit when their IPC channel closes). */
const HARD_LIMIT_MS = 10 * 60 * 1000
const hardStop = setTimeout(() => {
  console.error(`pnpm bench: stopped after ${HARD_LIMIT_MS / 60_000} minutes`)
  process.exit(2)
}, HARD_LIMIT_MS)
hardStop.unref()

const args = process.argv.slice(2)
const onlyArg = args.find((a) => a.startsWith('--only='))
const only = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',')) : undefined
const wants = (name: string) => !only || only.has(name)
const outDir = join(repoRoot, 'test', 'bench', 'out')
const profileDir = args.includes('--profile') ? join(outDir, 'profiles') : undefined
const redisUrl = process.env.FLOWCHAT_REDIS_URL ?? 'redis://127.0.0.1:6379'

/** The soak's length in `pnpm bench`: long enough for a steady phase after its warm-up (10 s). */
const SOAK_SECONDS = 30

const skipped = (id: string, title: string, reason: string): Section => ({
  id,
  title,
  status: 'skipped',
  reason,
  figures: [],
})

async function redisAvailable(): Promise<string | undefined> {
  if (!existsSync(join(repoRoot, 'apps/relay/src/storage/redis-storage.ts')))
    return 'apps/relay has no Redis storage yet'
  try {
    const redis = await connectRedis(redisUrl)
    try {
      await redis.call('PING')
    } finally {
      redis.close()
    }
    return undefined
  } catch (error) {
    return `Redis at ${redisUrl} does not answer: ${String(error)}`
  }
}

/** Redis latency beside memory's, from the two runs' sections. */
function redisComparison(sections: Section[]): Section {
  const ratio = (key: string, label: string, scenario: string): Figure => {
    const redis = findFigure(sections, `redis-${scenario}.p99`)?.value
    const memory = findFigure(sections, `${scenario}.p99`)?.value
    return { key, label, value: redis && memory ? redis / memory : null, unit: '×' }
  }
  return {
    id: 'redis',
    title: 'Redis storage latency beside memory storage',
    status: 'ok',
    figures: [
      ratio('pacedP99Ratio', '(a′) p99 at 1,000 POSTs/s, Redis / memory', 'paced'),
      ratio('aP99Ratio', '(a) p99 at full load, Redis / memory', 'a'),
      ratio('bP99Ratio', '(b) p99 at full load, Redis / memory', 'b'),
    ],
    notes: [
      'At full load, (a) and (b) latencies mostly measure the queue in front of a saturated relay (16 POSTs ' +
        'always in flight, and Redis storage takes fewer POSTs/s), so the target compares storage at a fixed ' +
        '1,000 POSTs/s (a′).',
    ],
  }
}

/** The relay beside the bare node:http ceiling, from the sections measured side by side in one rig. */
function bareComparison(sections: Section[]): Section {
  const ratio = (key: string, label: string, relay: string, bare: string): Figure => {
    const r = findFigure(sections, relay)?.value
    const b = findFigure(sections, bare)?.value
    return { key, label, value: r && b ? r / b : null, unit: '×' }
  }
  const pair = (key: string, label: string, relay: string, bare: string, unit: string): Figure[] => [
    { key: `${key}Relay`, label: `${label}, relay`, value: findFigure(sections, relay)?.value ?? null, unit },
    { key: `${key}Bare`, label: `${label}, bare`, value: findFigure(sections, bare)?.value ?? null, unit },
  ]
  return {
    id: 'vs-bare',
    title: 'Relay (memory storage) beside the bare node:http ceiling, same run, same generator',
    status: 'ok',
    figures: [
      ...pair('cpuPostFull', 'CPU per webhook POST at full load', 'a.cpuPerPost', 'bare-a.cpuPerPost', 'µs'),
      ratio(
        'cpuPostFullRatio',
        'CPU per POST at full load, relay / bare',
        'a.cpuPerPost',
        'bare-a.cpuPerPost',
      ),
      ...pair(
        'cpuPostPaced',
        'CPU per webhook POST at 1,000 POSTs/s',
        'paced.cpuPerPost',
        'bare-paced.cpuPerPost',
        'µs',
      ),
      ratio(
        'cpuPostPacedRatio',
        'CPU per POST at 1,000 POSTs/s, relay / bare',
        'paced.cpuPerPost',
        'bare-paced.cpuPerPost',
      ),
      ...pair('postsFull', 'webhook POSTs/s at full load', 'a.postsPerSecond', 'bare-a.postsPerSecond', '/s'),
      ...pair('p99Full', 'POST → SSE p99 at full load', 'a.p99', 'bare-a.p99', 'ms'),
      ratio('p99FullRatio', 'POST → SSE p99 at full load, relay / bare', 'a.p99', 'bare-a.p99'),
      ...pair('p99Paced', 'POST → SSE p99 at 1,000 POSTs/s', 'paced.p99', 'bare-paced.p99', 'ms'),
      ...pair('cpuDelivery', 'CPU per delivery (fan-out)', 'b.cpuPerDelivery', 'bare-b.cpuPerDelivery', 'µs'),
      ratio(
        'cpuDeliveryRatio',
        'CPU per delivery, relay / bare',
        'b.cpuPerDelivery',
        'bare-b.cpuPerDelivery',
      ),
      ...pair(
        'deliveries',
        'deliveries/s (fan-out)',
        'b.deliveriesPerSecond',
        'bare-b.deliveriesPerSecond',
        '/s',
      ),
      ...pair('idleRss', 'RSS per idle stream', 'c.rssPerConnection', 'c.bareRssPerConnection', 'KB'),
      ratio(
        'idleRssRatio',
        'RSS per idle stream, relay / bare',
        'c.rssPerConnection',
        'c.bareRssPerConnection',
      ),
      ...pair(
        'idleRssReduced',
        'RSS per idle stream after a memory-reducing GC',
        'c.rssReducedPerConnection',
        'c.bareRssReducedPerConnection',
        'KB',
      ),
      ratio(
        'idleRssReducedRatio',
        'RSS per idle stream after a memory-reducing GC, relay / bare',
        'c.rssReducedPerConnection',
        'c.bareRssReducedPerConnection',
      ),
    ],
    notes: [
      'The bare server reads each POST body, answers 200 and writes the body to the SSE streams of the channel ' +
        'named in its URL, one write per stream per event: no storage, no auth, no parsing, no dedupe.',
      'CPU is user + system time of the server process (`process.cpuUsage()`) over the measured POSTs, ' +
        'divided by POSTs (or deliveries): one subscriber per thread, so each POST is ingest plus one delivery.',
      'RSS per idle stream is read twice, each after a GC: a full one (what V8 keeps resident, the young ' +
        'generation it grew while the streams opened included), then the one V8 runs when memory is short ' +
        '(`last-resort`), which gives that reserve back, so what remains is what the streams hold.',
    ],
  }
}

/** How many relay instances a number of concurrent visitors needs, from the two-instance Redis run. */
const VISITORS = 100_000
/** Assumed peak: every visitor's thread gets one event a second (a busy conversation; most get far fewer). */
const EVENTS_PER_VISITOR_PER_SECOND = 1

function scaleOut(sections: Section[]): Section {
  const perInstance = findFigure(sections, 'redis-b2.deliveriesPerInstance')?.value ?? null
  const rss = findFigure(sections, 'c.rssPerConnection')?.value ?? null
  const visitorsPerInstance = perInstance === null ? null : perInstance / EVENTS_PER_VISITOR_PER_SECOND
  return {
    id: 'scale',
    title: `Instances for ${VISITORS.toLocaleString('en-US')} concurrent visitors (Redis storage)`,
    status: perInstance === null ? 'failed' : 'ok',
    ...(perInstance === null ? { reason: 'the two-instance Redis run gave no figure' } : {}),
    figures: [
      ...(
        [
          ['oneDeliveries', 'deliveries/s, one instance', 'redis-b.deliveriesPerSecond', '/s'],
          ['twoDeliveries', 'deliveries/s, two instances together', 'redis-b2.deliveriesPerSecond', '/s'],
          ['oneP99', 'POST → SSE p99, one instance', 'redis-b.p99', 'ms'],
          ['twoP99', 'POST → SSE p99, two instances', 'redis-b2.p99', 'ms'],
          ['oneCpu', 'CPU per delivery, one instance', 'redis-b.cpuPerDelivery', 'µs'],
          ['twoCpu', 'CPU per delivery, two instances (summed)', 'redis-b2.cpuPerDelivery', 'µs'],
        ] as const
      ).map(([key, label, ref, unit]) => ({
        key,
        label,
        value: findFigure(sections, ref)?.value ?? null,
        unit,
      })),
      {
        key: 'deliveriesPerInstance',
        label: 'deliveries/s per instance (two instances)',
        value: perInstance,
        unit: '/s',
      },
      {
        key: 'visitorsPerInstance',
        label: `visitors per instance at ${EVENTS_PER_VISITOR_PER_SECOND} event/s each`,
        value: visitorsPerInstance,
        unit: '',
      },
      {
        key: 'instances',
        label: `instances for ${VISITORS.toLocaleString('en-US')} visitors`,
        value: visitorsPerInstance ? Math.ceil(VISITORS / visitorsPerInstance) : null,
        unit: '',
      },
      {
        key: 'rssPerInstance',
        label: 'idle-stream RSS per instance at that many visitors',
        value: rss !== null && visitorsPerInstance ? (rss * visitorsPerInstance) / 1024 : null,
        unit: 'MB',
      },
    ],
    notes: [
      'Instances = visitors × events per visitor per second ÷ deliveries/s per instance, measured with two ' +
        'instances on one Redis, each holding half the subscribers and taking half the POSTs, on this 2-core ' +
        'machine that also runs the generator, the subscribers and Redis: a floor per instance, not a ceiling.',
    ],
  }
}

/** Two relays on one Redis: a webhook on one, its SSE event on the other (test/bench/redis-cross-instance.ts). */
async function crossInstance(): Promise<Section> {
  const title = 'Redis storage across two relay instances (webhook on A, SSE on B)'
  console.log('relay, Redis, across instances')
  try {
    const events = 1_000
    const r = await measureCrossInstanceLatency({ events, redisUrl })
    return {
      id: 'redis-cross',
      title,
      status: 'ok',
      figures: [
        { key: 'p50', label: 'POST on A → SSE on B p50', value: r.p50Ms, unit: 'ms' },
        { key: 'p99', label: 'POST on A → SSE on B p99', value: r.p99Ms, unit: 'ms' },
        { key: 'max', label: 'POST on A → SSE on B max', value: r.maxMs, unit: 'ms' },
      ],
      config: { events: r.events, threads: 10, measuredBy: 'redis-cross-instance.ts (its own harness)' },
    }
  } catch (error) {
    return { id: 'redis-cross', title, status: 'failed', reason: String(error), figures: [] }
  }
}

async function main(): Promise<void> {
  const started = performance.now()
  // Other work on the machine skews every figure: the report says how busy it was.
  const loadAtStart = loadavg()[0]!.toFixed(2)
  const sections: Section[] = []
  // The relay processes run the relay as built: build it from the current source first.
  const relayMissing = wants('memory') || wants('redis') || wants('soak') ? buildRelay() : undefined
  if (relayMissing)
    sections.push({ id: 'relay', title: 'Relay', status: 'failed', reason: relayMissing, figures: [] })
  else if (wants('memory')) {
    console.log('relay, memory storage')
    sections.push(...(await runRelayBenchmarks({ storage: 'memory', profileDir })))
  }
  if (wants('redis') && !relayMissing) {
    const missing = await redisAvailable()
    if (missing) sections.push(skipped('redis-a', 'Relay with Redis storage', missing))
    else {
      console.log('relay, Redis storage')
      sections.push(...(await runRelayBenchmarks({ storage: 'redis', redisUrl, profileDir })))
    }
    sections.push(redisComparison(sections))
    if (!missing) sections.push(await crossInstance())
  }
  if (wants('soak') && !relayMissing) {
    // A short churn: a leak shows as heap that keeps growing with visitors once retention is full
    // (`relay/soak.ts` runs longer ones, and on Redis storage).
    console.log('relay, soak (memory storage)')
    sections.push((await runSoak({ seconds: SOAK_SECONDS, storage: 'memory' })).section)
  }
  if (wants('memory')) sections.push(bareComparison(sections))
  if (wants('redis')) sections.push(scaleOut(sections))
  if (wants('fold')) {
    console.log('core, fold')
    try {
      const child = await startChild('core/fold-process.ts')
      try {
        sections.push(await child.call<Section>('run', undefined, 300_000))
      } finally {
        await child.stop()
      }
    } catch (error) {
      sections.push({
        ...skipped('fold', 'Core: folding events into thread state', String(error)),
        status: 'failed',
      })
    }
  }
  if (wants('size') || wants('render')) {
    console.log('widget: build, size, render')
    const missing = buildWidget()
    if (missing) {
      if (wants('size')) sections.push(skipped('size', 'Widget size', missing))
      if (wants('render')) sections.push(skipped('render', 'Widget rendering in Chromium', missing))
    } else {
      if (wants('size')) sections.push(await widgetSize())
      if (wants('render')) {
        try {
          sections.push(await runRenderBenchmark({ profileDir }))
        } catch (error) {
          console.error(error)
          sections.push({
            ...skipped('render', 'Widget rendering in Chromium', String(error)),
            status: 'failed',
          })
        }
      }
    }
  }

  const report: Report = {
    generatedAt: new Date().toISOString(),
    durationSeconds: (performance.now() - started) / 1000,
    machine: machine({
      'load average (1 min) at start / end': `${loadAtStart} / ${loadavg()[0]!.toFixed(2)}`,
    }),
    versions: versions(),
    sections,
    targets: evaluateTargets(sections, targets),
  }
  const dir = only ? outDir : join(repoRoot, 'docs')
  mkdirSync(dir, { recursive: true })
  const findings = join(import.meta.dirname, 'findings.md')
  const appendix = existsSync(findings) ? readFileSync(findings, 'utf8') : ''
  const mdFile = join(dir, 'benchmarks.md')
  // Formatted as `pnpm test` checks it, so a fresh report never fails the format step.
  const md = await format(renderMarkdown(report, appendix), {
    ...(await resolveConfig(mdFile)),
    filepath: mdFile,
  })
  writeFileSync(mdFile, md)
  writeFileSync(join(dir, 'benchmarks.json'), `${JSON.stringify(report, null, 2)}\n`)
  for (const t of report.targets)
    console.log(`${t.status.padEnd(12)} ${t.description}: ${t.value ?? 'n/a'} (${t.op} ${t.limit})`)
  console.log(`wrote ${join(dir, 'benchmarks.md')} in ${report.durationSeconds.toFixed(0)} s`)
}

await main()
