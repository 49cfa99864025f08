// A load generator process: POSTs Flow.ai webhooks at a fixed concurrency over keep-alive connections.
import { Agent, request } from 'node:http'
import { now, sleep } from '../lib/clock.js'
import { failStart, serveParent } from '../lib/child-process.js'
import { summarize, type Summary } from '../lib/stats.js'
import { webhookBody } from '../lib/webhook-body.js'

export interface PostJob {
  /** Where to POST; `{thread}` in it is replaced by the POST's thread id (the bare server's channel). */
  url: string
  /** POST i goes to urls[i % urls.length] instead of `url` (two relay instances behind a balancer). */
  urls?: string[]
  count: number
  concurrency: number
  /** POST i goes to threads[i % threads.length]. */
  threads: string[]
  /** Stops issuing new POSTs after this long, whatever `count` says. */
  timeoutMs: number
  /** Offsets the traceId sequence so no two runs share one. */
  seqBase: number
  /**
   * Open loop: POST i is sent at start + i / rate (when a connection is free), so latency is measured at a
   * load the server keeps up with instead of growing with its own queue. Default: as fast as answers come.
   */
  ratePerSecond?: number
}

export interface PostResult {
  sent: number
  ok: number
  /** HTTP status (or `error`) → count, for everything that was not 2xx. */
  failures: Record<string, number>
  startedAt: number
  durationMs: number
  postsPerSecond: number
  /** From writing the request to reading the whole answer, ms. */
  ack: Summary
}

function post(agent: Agent, url: URL, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume()
        res.once('end', () => resolve(res.statusCode ?? 0))
        res.once('error', reject)
      },
    )
    req.once('error', reject)
    req.end(body)
  })
}

async function run(job: PostJob): Promise<PostResult> {
  const targets = job.urls?.length ? job.urls : [job.url]
  // One URL per target and thread, built before the clock starts: the generator's cost is the same for every server.
  const byThread = new Map<string, URL[]>()
  for (const thread of new Set(job.threads)) {
    byThread.set(
      thread,
      targets.map((u) => new URL(u.replaceAll('{thread}', encodeURIComponent(thread)))),
    )
  }
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency })
  const acks = new Float64Array(job.count)
  const failures: Record<string, number> = {}
  let next = 0
  let ok = 0
  const startedAt = now()
  const deadline = startedAt + job.timeoutMs
  const worker = async () => {
    while (next < job.count && now() < deadline) {
      const i = next++
      if (job.ratePerSecond) {
        const due = startedAt + (i * 1000) / job.ratePerSecond
        if (due > now()) await sleep(due - now())
      }
      const sentAt = now()
      const thread = job.threads[i % job.threads.length]!
      const urls = byThread.get(thread)!
      const body = webhookBody(thread, job.seqBase + i, sentAt)
      try {
        const status = await post(agent, urls[i % urls.length]!, body)
        if (status >= 200 && status < 300) ok++
        else failures[status] = (failures[status] ?? 0) + 1
      } catch (error) {
        const key = (error as NodeJS.ErrnoException).code ?? 'error'
        failures[key] = (failures[key] ?? 0) + 1
      }
      acks[i] = now() - sentAt
    }
  }
  await Promise.all(Array.from({ length: job.concurrency }, worker))
  const durationMs = now() - startedAt
  agent.destroy()
  return {
    sent: next,
    ok,
    failures,
    startedAt,
    durationMs,
    postsPerSecond: (next / durationMs) * 1000,
    ack: summarize(acks.subarray(0, next)),
  }
}

try {
  serveParent({ run: (job: PostJob) => run(job) }, { pid: process.pid })
} catch (error) {
  failStart(error)
}
