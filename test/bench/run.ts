// `pnpm bench`: every benchmark under test/bench, then docs/benchmarks.md and docs/benchmarks.json.
//   --only=memory,redis,fold,size,render   run a subset (the report then goes to test/bench/out/)
//   --profile                              run relays under --cpu-prof (profiles in test/bench/out/profiles/)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { format, resolveConfig } from 'prettier'
import { repoRoot } from './lib/child-process.js'
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
import { runFoldBenchmark } from './core/fold-benchmark.js'
import { measureCrossInstanceLatency } from './redis-cross-instance.js'
import { runRelayBenchmarks } from './relay/relay-benchmarks.js'
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
  if (wants('memory')) {
    console.log('relay, memory storage')
    sections.push(...(await runRelayBenchmarks({ storage: 'memory', profileDir })))
  }
  if (wants('redis')) {
    const missing = await redisAvailable()
    if (missing) sections.push(skipped('redis-a', 'Relay with Redis storage', missing))
    else {
      console.log('relay, Redis storage')
      sections.push(...(await runRelayBenchmarks({ storage: 'redis', redisUrl, profileDir })))
    }
    sections.push(redisComparison(sections))
    if (!missing) sections.push(await crossInstance())
  }
  if (wants('fold')) {
    console.log('core, fold')
    try {
      sections.push(runFoldBenchmark())
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
      if (wants('size')) sections.push(widgetSize())
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
