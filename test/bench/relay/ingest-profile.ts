// `pnpm exec tsx test/bench/relay/ingest-profile.ts [options]`: webhook ingest alone, against the relay (or the bare
// node:http server with --bare), with what `pnpm bench` cannot show: where the CPU per POST goes.
//   --posts=N       POSTs per measured run (default 15000; full load: three runs of N/3)
//   --paced=R       one run of N POSTs at R POSTs/s instead of full load
//   --subs          one SSE subscriber per thread (1,000), as in (a) and (a′)
//   --cpu-prof      the server under --cpu-prof: its hottest functions, inclusive, within the measured runs only
//   --perf          `perf record` of the server during the measured runs (/tmp/ingest-perf.data; JIT names mapped)
//   --strace        `strace -c` of the server during the measured runs (system calls per POST)
//   --idle          the server's CPU while idle for 5 s (timers that cost whether or not webhooks come)
//   --retention=N   events the relay retains per stream (default 20000, as in `pnpm bench`)
//   --snapshot-after=MS  a heap snapshot of the server that long into the measured runs (written to the temp dir)
//   --node=FLAG     a Node or V8 flag for the server (repeatable: --node=--trace-gc --node=--max-semi-space-size=16)
// Each run prints CPU µs per POST (process), its user/system split and each thread's share (/proc: GC workers
// apart from the event loop). BENCH_RELAY_SOURCE and BENCH_RELAY_NODE_FLAGS are honoured as by `pnpm bench`.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { flag, option } from '../lib/argv.js'
import { startChild } from '../lib/child-process.js'
import type { PostJob, PostResult } from './post-generator.js'
import { buildRelay, startRelayProcess } from './relay-build.js'
import { freshSecrets, type RelayConfig, type RelayInfo } from './relay-config.js'
import type { OpenJob, OpenResult } from './sse-subscribers.js'

const posts = option('posts', 15_000)
const paced = option('paced', 0)
const bare = flag('bare')
const profileDir = flag('cpu-prof') ? mkdtempSync(join(tmpdir(), 'ingest-prof-')) : undefined

const config: RelayConfig = {
  secrets: freshSecrets(),
  storage: 'memory',
  keyPrefix: 'ingest',
  retentionEvents: option('retention', 20_000),
  maxStreamsPerIp: 5_000,
  maxStreamsPerToken: 500,
}
const unbuilt = bare ? undefined : buildRelay()
if (unbuilt) throw new Error(unbuilt)
const snapshotAfter = option('snapshot-after', 0)
const execArgv = [
  ...(snapshotAfter > 0 ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${tmpdir()}`] : []),
  ...process.argv.filter((a) => a.startsWith('--node=')).map((a) => a.slice('--node='.length)),
  ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
  // perf names JIT frames from /tmp/perf-<pid>.map; V8's own log goes to tmp, not the working directory.
  ...(flag('perf')
    ? ['--perf-basic-prof', `--logfile=${join(tmpdir(), 'ingest-v8.log')}`, '--no-logfile-per-isolate']
    : []),
]
const server = bare
  ? await startChild('relay/bare-server.ts', { config, execArgv })
  : await startRelayProcess(config, execArgv)
const postUrl = bare
  ? `${(server.info as { url: string }).url}/{thread}`
  : (server.info as RelayInfo).webhookUrl
const gen = await startChild('relay/post-generator.ts')
const threads = Array.from({ length: 1000 }, (_, i) => `ingest|t${i}`)

const subs = flag('subs') ? await startChild('relay/sse-subscribers.ts') : undefined
if (subs) {
  const tokens = bare ? threads.map(() => 'none') : await server.call<string[]>('tokens', threads)
  const job: OpenJob = {
    baseUrl: bare ? (server.info as { baseUrl: string }).baseUrl : (server.info as RelayInfo).url,
    subscriptions: threads.map((threadId, i) => ({ threadId, token: tokens[i]! })),
    parallel: 64,
    timeoutMs: 60_000,
  }
  const got = await subs.call<OpenResult>('open', job, 65_000)
  console.log(`${got.open} streams open`)
}

/** CPU ticks (1/100 s) of each thread of the server, from /proc. */
function threadTicks(): Map<string, number> {
  const out = new Map<string, number>()
  for (const tid of readdirSync(`/proc/${server.pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${server.pid}/task/${tid}/stat`, 'utf8')
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      out.set(`${name}#${tid}`, Number(fields[11]) + Number(fields[12]))
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out
}

/** User and system CPU ticks of the whole server process. */
function processTicks(): { user: number; sys: number } {
  const stat = readFileSync(`/proc/${server.pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return { user: Number(fields[11]), sys: Number(fields[12]) }
}

let seq = 0
async function run(count: number, ratePerSecond?: number): Promise<void> {
  const job: PostJob = {
    url: postUrl,
    count,
    concurrency: 16,
    threads,
    timeoutMs: 120_000,
    seqBase: seq,
    ...(ratePerSecond ? { ratePerSecond } : {}),
  }
  seq += count
  const cpu0 = await server.call<number>('cpu')
  const [p0, t0] = [processTicks(), threadTicks()]
  const result = await gen.call<PostResult>('run', job, 130_000)
  const cpu = ((await server.call<number>('cpu')) - cpu0) / count
  const [p1, t1] = [processTicks(), threadTicks()]
  const perPost = (ticks: number) => ((ticks * 10_000) / count).toFixed(0)
  const threadsLine = [...t1]
    .map(([name, ticks]) => [name, ticks - (t0.get(name) ?? 0)] as const)
    .filter(([, ticks]) => ticks > 0)
    .map(([name, ticks]) => `${name} ${perPost(ticks)}`)
    .join(', ')
  console.log(
    `${count} POSTs${ratePerSecond ? ` at ${ratePerSecond}/s` : ''}: ${result.postsPerSecond.toFixed(0)}/s, ` +
      `${cpu.toFixed(1)} µs CPU per POST (user ${perPost(p1.user - p0.user)}, sys ${perPost(p1.sys - p0.sys)}; ` +
      `${threadsLine}), ${result.ok} answered 2xx`,
  )
}

/** A tracer attached to the server for the measured runs, stopped (and its summary printed) by the returned call. */
function attach(): () => Promise<void> {
  const pid = String(server.pid)
  let tracer: ChildProcess | undefined
  if (flag('strace'))
    tracer = spawn('strace', ['-c', '-f', '-p', pid], { stdio: ['ignore', 'inherit', 'inherit'] })
  else if (flag('perf')) {
    const args = ['record', '-e', 'cpu-clock', '-F', '4000', '-g', '-p', pid, '-o', '/tmp/ingest-perf.data']
    tracer = spawn('perf', args, { stdio: ['ignore', 'inherit', 'inherit'] })
  }
  return async () => {
    if (!tracer) return
    tracer.kill('SIGINT')
    await new Promise((resolve) => tracer.once('exit', resolve))
  }
}

const micros = () => process.hrtime.bigint() / 1000n
await run(3_000)
if (flag('idle')) {
  const cpu0 = await server.call<number>('cpu')
  await new Promise((resolve) => setTimeout(resolve, 5_000))
  console.log(`idle: ${(((await server.call<number>('cpu')) - cpu0) / 5_000).toFixed(2)} ms CPU per s`)
}
const detach = attach()
// Tracers take a moment to attach.
if (flag('strace') || flag('perf')) await new Promise((resolve) => setTimeout(resolve, 1_000))
// The monotonic clock V8's profile timestamps use too: the summary keeps the samples of the measured runs.
const from = micros()
if (snapshotAfter > 0) setTimeout(() => process.kill(server.pid, 'SIGUSR2'), snapshotAfter).unref()
if (paced) await run(posts, paced)
else for (let i = 0; i < 3; i++) await run(Math.round(posts / 3))
const to = micros()
await detach()
await subs?.stop()
await gen.stop()
await server.stop(5_000)

if (profileDir) {
  const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'))
  if (file) summarize(JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as Profile, from, to)
}

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  startTime: number
  samples: number[]
  timeDeltas: number[]
}

/** The functions the measured window spent most time in, inclusive of callees, and their self time. */
function summarize(profile: Profile, from: bigint, to: bigint): void {
  const self = new Map<number, number>()
  let at = profile.startTime
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0
    at += delta
    if (at >= Number(from) && at <= Number(to)) self.set(id, (self.get(id) ?? 0) + delta)
  })
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const total = new Map<number, number>()
  const sum = (node: ProfileNode): number => {
    let t = self.get(node.id) ?? 0
    for (const child of node.children ?? []) t += sum(byId.get(child)!)
    total.set(node.id, t)
    return t
  }
  const root = profile.nodes[0]!
  const all = sum(root)
  const name = (n: ProfileNode) => {
    const where = n.callFrame.url.replace(/.*\/(node_modules|apps|packages)\//, '$1/')
    return `${n.callFrame.functionName || '(anonymous)'} ${where}:${n.callFrame.lineNumber + 1}:${n.callFrame.columnNumber + 1}`
  }
  const inclusive = new Map<string, number>()
  const selfByName = new Map<string, number>()
  // Each stack counts a function once, however often it recurses.
  const visit = (node: ProfileNode, onStack: ReadonlySet<string>) => {
    const key = name(node)
    if (!onStack.has(key)) inclusive.set(key, (inclusive.get(key) ?? 0) + (total.get(node.id) ?? 0))
    selfByName.set(key, (selfByName.get(key) ?? 0) + (self.get(node.id) ?? 0))
    const next = new Set(onStack).add(key)
    for (const child of node.children ?? []) visit(byId.get(child)!, next)
  }
  visit(root, new Set())
  console.log(`\nmeasured window: ${(all / 1000).toFixed(0)} ms sampled (idle included)`)
  for (const [key, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, 60)) {
    const own = ((selfByName.get(key) ?? 0) / 1000).toFixed(0)
    console.log(`${(us / 1000).toFixed(0).padStart(7)} ms incl ${own.padStart(6)} self  ${key}`)
  }
}
