import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { now } from './clock.js'

/** The repository root: children run from here so `--import tsx` and workspace packages resolve. */
export const repoRoot = join(import.meta.dirname, '..', '..', '..')

interface Request {
  id: number
  type: string
  payload: unknown
}
type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string }

export interface StartOptions {
  /** Extra Node flags before the entry (e.g. `--cpu-prof`, `--expose-gc`). */
  execArgv?: string[]
  /** Passed to the child as JSON in `process.argv[2]`. */
  config?: unknown
  /** The child is killed when it has not said `ready` by then. */
  readyTimeoutMs?: number
  /**
   * Workspace packages as built (`dist/`, what a user installs) instead of their TypeScript source. The entry
   * itself still runs through tsx. Build them first (see `buildRelay`).
   */
  built?: boolean
}

/** A benchmark process: a relay, a bare server or a load generator, driven over IPC. */
export interface Child {
  readonly pid: number
  /** What the child sent with its `ready` message. */
  readonly info: unknown
  /** Asks the child to do `type`; rejects when it fails, exits, or takes longer than `timeoutMs`. */
  call<T>(type: string, payload?: unknown, timeoutMs?: number): Promise<T>
  /** This child's clock minus the parent's, in ms, measured over IPC (see `measureClockOffset`). */
  clockOffset(): Promise<number>
  /** Asks the child to exit (so `--cpu-prof` writes its profile), then kills it after `graceMs`. */
  stop(graceMs?: number): Promise<void>
}

/**
 * Starts `entry` (a TypeScript file under test/bench) in its own Node process with tsx and, unless `built`, the
 * workspace's source condition, and waits for it to report `ready`.
 *
 * @example
 * const relay = await startChild('relay/relay-process.ts', { config: { storage: 'memory' } })
 * try { … } finally { await relay.stop() }
 */
export async function startChild(entry: string, options: StartOptions = {}): Promise<Child> {
  const proc = spawn(
    process.execPath,
    [
      ...(options.execArgv ?? []),
      ...(options.built ? [] : ['--conditions=@flowchat/source']),
      '--import',
      'tsx',
      join(import.meta.dirname, '..', entry),
      JSON.stringify(options.config ?? {}),
    ],
    { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  )
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  let exited: Error | undefined
  let nextId = 1
  const info = await new Promise<unknown>((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL')
      reject(new Error(`${entry} did not start within ${options.readyTimeoutMs ?? 30_000} ms`))
    }, options.readyTimeoutMs ?? 30_000)
    proc.once('message', (m: { type?: string; info?: unknown; error?: string }) => {
      clearTimeout(timer)
      if (m.type === 'ready') resolve(m.info)
      else {
        proc.kill('SIGKILL')
        reject(new Error(`${entry} failed to start: ${m.error ?? JSON.stringify(m)}`))
      }
    })
    proc.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`${entry} exited before it was ready (code ${code}, signal ${signal})`))
    })
  })
  proc.on('message', (m: Reply) => {
    const p = pending.get(m.id)
    if (!p) return
    pending.delete(m.id)
    if (m.ok) p.resolve(m.result)
    else p.reject(new Error(`${entry}: ${m.error}`))
  })
  proc.on('exit', (code, signal) => {
    exited = new Error(`${entry} exited (code ${code}, signal ${signal})`)
    for (const p of pending.values()) p.reject(exited)
    pending.clear()
  })

  const call = <T>(type: string, payload?: unknown, timeoutMs = 60_000): Promise<T> => {
    if (exited) return Promise.reject(exited)
    const id = nextId++
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id)
        reject(new Error(`${entry}: ${type} took longer than ${timeoutMs} ms`))
      }, timeoutMs)
      pending.set(id, {
        resolve: (v) => (clearTimeout(timer), resolve(v as T)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      })
      proc.send({ id, type, payload } satisfies Request)
    })
  }

  return {
    pid: proc.pid!,
    info,
    call,
    clockOffset: () => measureClockOffset(() => call<number>('clock')),
    async stop(graceMs = 5_000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return
      const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
      proc.kill('SIGTERM')
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs)
      await gone
      clearTimeout(timer)
    },
  }
}

/**
 * The other clock minus ours, NTP style: of `samples` round trips, the shortest bounds the error best, and the
 * other clock is compared with the midpoint of that round trip. Over local IPC the error is under 0.1 ms.
 *
 * @example
 * const offset = await measureClockOffset(() => child.call('clock'))
 */
export async function measureClockOffset(read: () => Promise<number>, samples = 15): Promise<number> {
  let best = { rtt: Number.POSITIVE_INFINITY, offset: 0 }
  for (let i = 0; i < samples; i++) {
    const t0 = now()
    const theirs = await read()
    const t1 = now()
    if (t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: theirs - (t0 + t1) / 2 }
  }
  return best.offset
}

export type Handlers = Record<string, (payload: never) => unknown>

/** Calls every child answers: its clock, its CPU time (user + system, µs) and its memory after a GC (if exposed). */
const builtIn: Handlers = {
  clock: now,
  cpu: () => {
    const { user, system } = process.cpuUsage()
    return user + system
  },
  memory: () => {
    globalThis.gc?.()
    const { rss, heapUsed, heapTotal, external } = process.memoryUsage()
    return { rss, heapUsed, heapTotal, external }
  },
  /**
   * Memory after the GC V8 runs when memory is short (`last-resort`: compacts, shrinks the young generation and
   * gives pooled pages back), so RSS counts what the process holds, not the reserve V8 grew while it was busy.
   */
  memoryReduced: () => {
    const gc = globalThis.gc as ((options: object) => void) | undefined
    gc?.({ type: 'major', execution: 'sync', flavor: 'last-resort' })
    const { rss, heapUsed, heapTotal, external } = process.memoryUsage()
    return { rss, heapUsed, heapTotal, external }
  },
}

/**
 * The child side: answers the parent's calls with `handlers` (plus `clock`, `cpu` and `memory`), reports `ready`
 * with `info`, and exits on SIGTERM after `onStop`, or when the parent goes away, so no benchmark process outlives
 * a run.
 *
 * @example
 * serveParent({ rss: () => process.memoryUsage().rss }, { url })
 */
export function serveParent(
  handlers: Handlers,
  info: unknown,
  onStop: () => Promise<void> | void = () => {},
): void {
  const send = (m: unknown) => process.send?.(m)
  process.on('message', (m: Request) => {
    const handler = handlers[m.type] ?? builtIn[m.type]
    if (!handler) {
      send({ id: m.id, ok: false, error: `no handler for ${m.type}` } satisfies Reply)
      return
    }
    Promise.resolve()
      .then(() => handler(m.payload as never))
      .then(
        (result) => send({ id: m.id, ok: true, result } satisfies Reply),
        (error: unknown) => send({ id: m.id, ok: false, error: String(error) } satisfies Reply),
      )
  })
  const stop = () => {
    void Promise.resolve()
      .then(onStop)
      .finally(() => process.exit(0))
  }
  process.once('SIGTERM', stop)
  process.once('disconnect', stop)
  send({ type: 'ready', info })
}

/** Reports a start-up failure to the parent and exits. */
export function failStart(error: unknown): void {
  console.error(error)
  // Exit only once the message is out: an IPC send is asynchronous.
  if (process.send) process.send({ type: 'error', error: String(error) }, () => process.exit(1))
  else process.exit(1)
}

/** The JSON config the parent passed to this child. */
export function childConfig<T>(): T {
  return JSON.parse(process.argv[2] ?? '{}') as T
}
