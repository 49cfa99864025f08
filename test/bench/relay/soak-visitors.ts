// The soak's visitors, in a process of their own: each creates a session as the widget does, opens its thread's
// SSE stream, gets a few webhook events for its thread, sometimes sends a message, sometimes drops the stream and
// resumes it with Last-Event-ID, then leaves. A fixed number are under way at once, so threads churn.
import { Agent, request, type ClientRequest, type IncomingMessage } from 'node:http'
import { now, sleep } from '../lib/clock.js'
import { failStart, serveParent } from '../lib/child-process.js'
import { createSseParser, type SseEvent } from '../lib/sse-parser.js'
import { webhookBody } from '../lib/webhook-body.js'

export interface ChurnJob {
  baseUrl: string
  webhookUrl: string
  /** Visitors under way at once: the threads alive at any moment. */
  concurrency: number
  seconds: number
  /** Webhook events each visitor gets on its stream. */
  eventsPerVisitor: number
  /** Share of visitors that send a message (proxied to Flow.ai, echoed as a `sent` event). */
  sendShare: number
  /** Share of visitors that drop the stream, miss an event and resume with Last-Event-ID. */
  resumeShare: number
  /** Pause between one visitor's steps (ms), drawn from 0 to this: visitors linger as people do. */
  dwellMs: number
  /** An event not seen on the stream after this long fails the visitor. */
  timeoutMs: number
}

export interface ChurnProgress {
  /** Visitors who left after every step went as expected. */
  completed: number
  failed: number
  /** Failure reason → count (the first 20 reasons). */
  failures: Record<string, number>
  webhooks: number
  sends: number
  resumes: number
  elapsedMs: number
  /** Time spent paused (see `pause`), part of `elapsedMs`. */
  pausedMs: number
}

const progress: ChurnProgress = {
  completed: 0,
  failed: 0,
  failures: {},
  webhooks: 0,
  sends: 0,
  resumes: 0,
  elapsedMs: 0,
  pausedMs: 0,
}
let startedAt = 0
/** Visitors under way now. */
let active = 0
/** While paused: resolves when the churn resumes. */
let paused: { since: number; resumed: Promise<void>; resume: () => void } | undefined
/** Wakes a `pause` waiting for the visitors under way to leave. */
let idle: (() => void) | undefined
let seq = 0
const agent = new Agent({ keepAlive: true, maxSockets: 64 })

interface Answer {
  status: number
  body: string
}

function call(url: URL, method: string, body?: unknown, token?: string): Promise<Answer> {
  const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent,
        headers: {
          ...(data === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (text += chunk))
        res.once('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
        res.once('error', reject)
      },
    )
    req.once('error', reject)
    req.end(data)
  })
}

/** One open SSE stream: its events as they come, and a way to wait for one. */
interface Stream {
  req: ClientRequest
  events: SseEvent[]
  waitFor(match: (e: SseEvent) => boolean, timeoutMs: number, what: string): Promise<SseEvent>
  close(): void
}

function openStream(baseUrl: string, threadId: string, token: string, lastEventId?: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const events: SseEvent[] = []
    let wake: (() => void) | undefined
    const req = request(new URL(`/v1/threads/${encodeURIComponent(threadId)}/events`, baseUrl), {
      agent: false,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'text/event-stream',
        ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
      },
    })
    let ended = false
    const stream: Stream = {
      req,
      events,
      async waitFor(match, timeoutMs, what) {
        const deadline = now() + timeoutMs
        for (let seen = 0; ;) {
          for (; seen < events.length; seen++) if (match(events[seen]!)) return events[seen]!
          if (ended) throw new Error(`stream ended before ${what}`)
          if (now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`)
          await Promise.race([new Promise<void>((r) => (wake = r)), sleep(Math.min(50, timeoutMs))])
        }
      },
      close: () => req.destroy(),
    }
    req.once('error', (error) => {
      ended = true
      wake?.()
      reject(error)
    })
    req.once('response', (res: IncomingMessage) => {
      if (res.statusCode !== 200) {
        res.resume()
        reject(new Error(`stream ${res.statusCode}`))
        return
      }
      res.setEncoding('utf8')
      res.on(
        'data',
        createSseParser((e) => {
          events.push(e)
          wake?.()
        }),
      )
      res.once('close', () => {
        ended = true
        wake?.()
      })
      resolve(stream)
    })
    req.end()
  })
}

const dwell = (job: ChurnJob) => sleep(Math.random() * job.dwellMs)

async function webhook(job: ChurnJob, threadId: string): Promise<string> {
  const body = webhookBody(threadId, seq++)
  const answer = await call(new URL(job.webhookUrl), 'POST', body)
  if (answer.status !== 200) throw new Error(`webhook ${answer.status}`)
  progress.webhooks++
  // The marker the stream will carry (`bench.<sentAt>.<seq>`), to wait for this very event.
  return /bench\.[\d.]+/.exec(body)![0]
}

async function visitor(job: ChurnJob): Promise<void> {
  const session = await call(new URL('/v1/sessions', job.baseUrl), 'POST', {})
  if (session.status !== 201) throw new Error(`session ${session.status}`)
  const { threadId, token } = JSON.parse(session.body) as { threadId: string; token: string }
  let stream = await openStream(job.baseUrl, threadId, token)
  try {
    await stream.waitFor((e) => e.event === 'hello', job.timeoutMs, 'hello')
    for (let i = 0; i < job.eventsPerVisitor; i++) {
      await dwell(job)
      const marker = await webhook(job, threadId)
      await stream.waitFor((e) => e.data.includes(marker), job.timeoutMs, 'webhook event')
    }
    if (Math.random() < job.sendShare) {
      await dwell(job)
      const text = `soak ${seq++}`
      const sent = await call(
        new URL(`/v1/threads/${encodeURIComponent(threadId)}/messages`, job.baseUrl),
        'POST',
        { type: 'text', text },
        token,
      )
      if (sent.status !== 202) throw new Error(`send ${sent.status}`)
      progress.sends++
      await stream.waitFor((e) => e.event === 'sent' && e.data.includes(text), job.timeoutMs, 'sent event')
    }
    if (Math.random() < job.resumeShare) {
      const lastId = stream.events.findLast((e) => e.id !== undefined)?.id
      stream.close()
      // An event while the visitor is away (a page reload), read back on resume.
      const marker = await webhook(job, threadId)
      stream = await openStream(job.baseUrl, threadId, token, lastId)
      await stream.waitFor((e) => e.data.includes(marker), job.timeoutMs, 'missed event on resume')
      if (stream.events.some((e) => e.event === 'reset')) throw new Error('reset on resume')
      progress.resumes++
    }
  } finally {
    stream.close()
  }
}

async function churn(job: ChurnJob): Promise<ChurnProgress> {
  startedAt = now()
  const deadline = startedAt + job.seconds * 1000
  const worker = async () => {
    while (now() < deadline) {
      if (paused) {
        await paused.resumed
        continue
      }
      active++
      try {
        await visitor(job)
        progress.completed++
      } catch (error) {
        progress.failed++
        const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message
        if (reason in progress.failures || Object.keys(progress.failures).length < 20)
          progress.failures[reason] = (progress.failures[reason] ?? 0) + 1
        // A relay refusing (a cap, a 5xx) is not hammered in a tight loop.
        await sleep(100)
      } finally {
        if (--active === 0) idle?.()
      }
    }
  }
  await Promise.all(Array.from({ length: job.concurrency }, worker))
  return snapshot()
}

/**
 * Lets the visitors under way leave and starts no new one until `resume`: the relay is then read with no visitor
 * connected, so what its heap holds is what churn left behind, not the streams open at that moment.
 */
async function pause(): Promise<ChurnProgress> {
  if (!paused) {
    let resume = () => {}
    const resumed = new Promise<void>((r) => (resume = r))
    paused = { since: now(), resumed, resume }
  }
  while (active > 0) await new Promise<void>((r) => (idle = r))
  idle = undefined
  return snapshot()
}

function resume(): void {
  if (!paused) return
  progress.pausedMs += now() - paused.since
  paused.resume()
  paused = undefined
}

function snapshot(): ChurnProgress {
  const at = now()
  return {
    ...progress,
    failures: { ...progress.failures },
    elapsedMs: at - startedAt,
    pausedMs: progress.pausedMs + (paused ? at - paused.since : 0),
  }
}

try {
  serveParent(
    { churn: (job: ChurnJob) => churn(job), progress: snapshot, pause, resume },
    { pid: process.pid },
    () => agent.destroy(),
  )
} catch (error) {
  failStart(error)
}
