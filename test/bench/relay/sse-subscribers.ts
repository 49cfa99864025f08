// A subscriber process: holds many SSE connections to the relay and timestamps every benchmark event it reads.
import { request, type ClientRequest, type IncomingMessage } from 'node:http'
import { now, sleep } from '../lib/clock.js'
import { failStart, serveParent } from '../lib/child-process.js'
import { createSseParser } from '../lib/sse-parser.js'
import { sentAtOf } from '../lib/webhook-body.js'

export interface Subscription {
  threadId: string
  token: string
}

export interface OpenJob {
  baseUrl: string
  subscriptions: Subscription[]
  /** Connections being opened at once: enough to be quick, few enough not to flood the relay's accept queue. */
  parallel: number
  timeoutMs: number
}

export interface OpenResult {
  open: number
  failures: Record<string, number>
  durationMs: number
}

export interface ExpectJob {
  /** Benchmark events to wait for, over all connections. */
  count: number
  timeoutMs: number
}

export interface ExpectResult {
  received: number
  /** Receive time − send time per event, ms, on this process's clock (the parent corrects the offset). */
  latencies: number[]
  firstReceivedAt: number
  lastReceivedAt: number
  /** The id of the last event read, per thread. */
  lastIds: Record<string, string>
  /** Non-benchmark events by name (e.g. `reset`). */
  otherEvents: Record<string, number>
  /** Connections the relay ended while we waited. */
  closed: number
}

export interface CatchUpJob extends Subscription {
  baseUrl: string
  lastEventId: string
  count: number
  timeoutMs: number
}

export interface CatchUpResult {
  received: number
  /** From sending the request to reading the `count`-th missed event. */
  ms: number
  /** From sending the request to the response head. */
  headMs: number
  resets: number
  /** Times the relay ended the stream before everything was read (e.g. as a slow reader). */
  reconnects: number
  inOrder: boolean
}

const connections = new Set<{ req: ClientRequest; res?: IncomingMessage }>()
let latencies: number[] = []
let firstReceivedAt = 0
let lastReceivedAt = 0
let lastIds: Record<string, string> = {}
let otherEvents: Record<string, number> = {}
let closed = 0
let wake: (() => void) | undefined

/** Compares `<ms>-<seq>` ids. */
function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number)
  const [bm = 0, bs = 0] = b.split('-').map(Number)
  return am - bm || as - bs
}

function streamUrl(baseUrl: string, threadId: string): URL {
  return new URL(`/v1/threads/${encodeURIComponent(threadId)}/events`, baseUrl)
}

function openOne(baseUrl: string, sub: Subscription, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const conn: { req: ClientRequest; res?: IncomingMessage } = {
      req: request(streamUrl(baseUrl, sub.threadId), {
        agent: false,
        headers: { authorization: `Bearer ${sub.token}`, accept: 'text/event-stream' },
        timeout: timeoutMs,
      }),
    }
    conn.req.once('timeout', () => conn.req.destroy(new Error('ETIMEDOUT')))
    conn.req.once('error', reject)
    conn.req.once('response', (res) => {
      if (res.statusCode !== 200) {
        res.resume()
        reject(new Error(String(res.statusCode)))
        return
      }
      // Idle SSE streams are expected to stay silent for long: only the open phase is timed.
      conn.req.setTimeout(0)
      conn.res = res
      connections.add(conn)
      res.setEncoding('utf8')
      res.on(
        'data',
        createSseParser((e) => {
          const at = now()
          if (e.id !== undefined) lastIds[sub.threadId] = e.id
          const sentAt = sentAtOf(e.data)
          if (sentAt === undefined) {
            const name = e.event ?? 'message'
            otherEvents[name] = (otherEvents[name] ?? 0) + 1
            return
          }
          if (latencies.length === 0) firstReceivedAt = at
          lastReceivedAt = at
          latencies.push(at - sentAt)
          wake?.()
        }),
      )
      res.once('close', () => {
        connections.delete(conn)
        closed++
      })
      resolve()
    })
    conn.req.end()
  })
}

async function open(job: OpenJob): Promise<OpenResult> {
  const started = now()
  const failures: Record<string, number> = {}
  let next = 0
  let open = 0
  const worker = async () => {
    while (next < job.subscriptions.length) {
      const sub = job.subscriptions[next++]!
      try {
        await openOne(job.baseUrl, sub, job.timeoutMs)
        open++
      } catch (error) {
        const key = (error as NodeJS.ErrnoException).code ?? (error as Error).message
        failures[key] = (failures[key] ?? 0) + 1
      }
    }
  }
  await Promise.all(Array.from({ length: job.parallel }, worker))
  return { open, failures, durationMs: now() - started }
}

async function expect(job: ExpectJob): Promise<ExpectResult> {
  const deadline = now() + job.timeoutMs
  while (latencies.length < job.count && now() < deadline) {
    await Promise.race([new Promise<void>((resolve) => (wake = resolve)), sleep(50)])
  }
  wake = undefined
  const result: ExpectResult = {
    received: latencies.length,
    latencies,
    firstReceivedAt,
    lastReceivedAt,
    lastIds,
    otherEvents,
    closed,
  }
  latencies = []
  lastIds = {}
  otherEvents = {}
  closed = 0
  return result
}

function closeAll(): number {
  const n = connections.size
  for (const c of connections) c.req.destroy()
  connections.clear()
  return n
}

/**
 * A subscriber coming back with `Last-Event-ID`, timed until the `count`-th missed event has been read. Like a
 * real client it reconnects from the last id it read when the relay ends the stream (at most 20 times).
 */
function catchUp(job: CatchUpJob): Promise<CatchUpResult> {
  return new Promise((resolve, reject) => {
    const started = now()
    let headMs = 0
    let received = 0
    let resets = 0
    let reconnects = -1
    let inOrder = true
    let lastId = job.lastEventId
    let finished = false
    let req: ClientRequest | undefined
    const finish = (ms: number) => {
      if (finished) return
      finished = true
      clearTimeout(timer)
      req?.destroy()
      resolve({ received, ms, headMs, resets, reconnects, inOrder })
    }
    const timer = setTimeout(() => finish(Number.NaN), job.timeoutMs)
    const connect = () => {
      if (finished) return
      if (++reconnects > 20) return finish(Number.NaN)
      req = request(streamUrl(job.baseUrl, job.threadId), {
        agent: false,
        headers: {
          authorization: `Bearer ${job.token}`,
          accept: 'text/event-stream',
          'last-event-id': lastId,
        },
      })
      req.once('error', (error) => {
        if (finished) return
        finished = true
        clearTimeout(timer)
        reject(error)
      })
      req.once('response', (res) => {
        if (reconnects === 0) headMs = now() - started
        if (res.statusCode !== 200) {
          res.resume()
          finished = true
          clearTimeout(timer)
          reject(new Error(`catch-up answered ${res.statusCode}`))
          return
        }
        res.setEncoding('utf8')
        res.once('close', connect)
        res.on(
          'data',
          createSseParser((e) => {
            if (e.event === 'reset') resets++
            if (sentAtOf(e.data) === undefined || e.id === undefined) return
            // Stored order, not send order (POSTs at concurrency 16 are stored as they land): ids must increase.
            if (compareIds(e.id, lastId) <= 0) inOrder = false
            lastId = e.id
            if (++received === job.count) finish(now() - started)
          }),
        )
      })
      req.end()
    }
    connect()
  })
}

try {
  serveParent(
    {
      open: (job: OpenJob) => open(job),
      expect: (job: ExpectJob) => expect(job),
      closeAll,
      catchUp: (job: CatchUpJob) => catchUp(job),
    },
    { pid: process.pid },
    () => void closeAll(),
  )
} catch (error) {
  failStart(error)
}
