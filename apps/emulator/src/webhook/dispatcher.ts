import { setTimeout as sleep } from 'node:timers/promises'
import type { EmulatorLogger } from '../logger.js'
import type { ResolvedOptions } from '../options.js'
import type { Random } from '../random.js'
import { postOnce } from './post-once.js'
import type { WebhookEvent } from './webhook-event.js'
import { webhookLabel, webhookUrlProblem } from './webhook-url.js'

/** Delivers webhook events to every registered URL like Flow.ai: ordered per thread, retried with back-off. */
export interface Dispatcher {
  /** Registers a URL (idempotent) after a GET probe; a failed probe is logged, the URL is kept. */
  add(url: string): Promise<void>
  /** Unregisters a URL and drops what was still queued for it. */
  remove(url: string): void
  urls(): string[]
  /** Queues an event for every registered URL. */
  publish(event: WebhookEvent): void
  /** Resolves once nothing is queued or in flight. */
  idle(): Promise<void>
  /** Stops every delivery and timer; returns how many deliveries were not done (queued or in flight). */
  close(): number
}

export interface DispatcherOptions extends Pick<ResolvedOptions, 'retry' | 'retryMaxAgeMs' | 'faults'> {
  random: Random
  logger: EmulatorLogger
  now?: () => number
}

/** One queue per (URL, thread): a thread's next event waits for the previous one to succeed or be given up. */
interface Queue {
  url: string
  events: WebhookEvent[]
  running: boolean
}

/** Project events (threads, business hours, trigger events) share one queue per URL. */
const PROJECT = '\u0000project'

/**
 * Creates the dispatcher. Back-off: `baseDelayMs · 2^(attempt-1)`, capped at `maxDelayMs`; an event is given
 * up when the next attempt would start later than `retryMaxAgeMs` after the first.
 *
 * @example
 * const dispatcher = createDispatcher({ ...resolved, random: Math.random, logger: quietLogger })
 * await dispatcher.add('http://127.0.0.1:3000/hook')
 * dispatcher.publish(createWebhookEvent('paused', 'current', { threadId: 't1' }))
 */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { retry, retryMaxAgeMs, faults, random, logger } = options
  const now = options.now ?? Date.now
  const registered = new Set<string>()
  const queues = new Map<string, Queue>()
  const stop = new AbortController()
  let pending = 0
  let waiters: (() => void)[] = []

  const settle = () => {
    pending--
    if (pending === 0) {
      const done = waiters
      waiters = []
      for (const resolve of done) resolve()
    }
  }

  async function wait(ms: number): Promise<boolean> {
    if (ms <= 0) return !stop.signal.aborted
    try {
      await sleep(ms, undefined, { signal: stop.signal })
      return true
    } catch {
      return false
    }
  }

  /** Delivers one event to one URL until it succeeds, the max age passes, the URL is removed or we close. */
  async function deliver(url: string, event: WebhookEvent): Promise<void> {
    const first = now()
    for (let attempt = 1; ; attempt++) {
      const extra = faults.reorder ? Math.round(random() * (faults.delayMs || 50)) : faults.delayMs
      if (!(await wait(extra)) || !registered.has(url)) return
      const simulated = faults.failRate > 0 && random() < faults.failRate
      const result = simulated
        ? { ok: false as const, reason: 'failed by the failRate fault' }
        : await postOnce(url, event.body, {
            timeoutMs: retry.timeoutMs,
            signal: stop.signal,
            headers: { 'x-flowchat-event-id': event.id, 'x-flowchat-attempt': String(attempt) },
          })
      if (result.ok) {
        logger({
          level: 'debug',
          event: 'webhook.delivered',
          message: `→ ${event.type} ${webhookLabel(url)} (${result.status})`,
          url,
          id: event.id,
          type: event.type,
          attempt,
          threadId: event.threadId,
        })
        if (faults.duplicateRate > 0 && random() < faults.duplicateRate) {
          const dup = await postOnce(url, event.body, {
            timeoutMs: retry.timeoutMs,
            signal: stop.signal,
            headers: { 'x-flowchat-event-id': event.id, 'x-flowchat-attempt': String(attempt) },
          })
          logger({
            level: 'debug',
            event: 'webhook.duplicate',
            message: `→ ${event.type} ${webhookLabel(url)} again (duplicate fault)`,
            url,
            id: event.id,
            ok: dup.ok,
          })
        }
        return
      }
      if (stop.signal.aborted) return
      const delayMs = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1))
      if (now() - first + delayMs > retryMaxAgeMs) {
        logger({
          level: 'warn',
          event: 'webhook.gave_up',
          message: `gave up ${event.type} to ${webhookLabel(url)} after ${attempt} attempts: ${result.reason}`,
          url,
          id: event.id,
          type: event.type,
          attempts: attempt,
          threadId: event.threadId,
        })
        return
      }
      logger({
        level: 'warn',
        event: 'webhook.retry',
        message: `${event.type} to ${webhookLabel(url)} failed (${result.reason}); retry ${attempt} in ${delayMs} ms`,
        url,
        id: event.id,
        type: event.type,
        attempt,
        delayMs,
        reason: result.reason,
        threadId: event.threadId,
      })
      if (!(await wait(delayMs))) return
    }
  }

  async function drain(key: string, queue: Queue): Promise<void> {
    queue.running = true
    try {
      for (let event = queue.events[0]; event; event = queue.events[0]) {
        await deliver(queue.url, event)
        queue.events.shift()
        settle()
      }
    } finally {
      queue.running = false
      if (queues.get(key) === queue && queue.events.length === 0) queues.delete(key)
    }
  }

  function dropQueue(key: string, queue: Queue): void {
    // A running queue settles its head itself when its attempt returns.
    const dropped = queue.running ? queue.events.splice(1) : queue.events.splice(0)
    for (const _ of dropped) settle()
    queues.delete(key)
  }

  return {
    async add(url) {
      const problem = webhookUrlProblem(url)
      if (problem) throw new TypeError(`webhook ${webhookLabel(url)}: ${problem}`)
      registered.add(url)
      const probe = await postOnce(url, undefined, {
        method: 'GET',
        timeoutMs: retry.timeoutMs,
        signal: stop.signal,
      })
      if (probe.ok)
        logger({
          level: 'info',
          event: 'webhook.probe',
          message: `webhook ${webhookLabel(url)} answered the GET probe (${probe.status})`,
          url,
        })
      else
        logger({
          level: 'warn',
          event: 'webhook.probe_failed',
          message: `webhook ${webhookLabel(url)} failed the GET probe (${probe.reason}); events are still sent and retried`,
          url,
        })
    },
    remove(url) {
      registered.delete(url)
      for (const [key, queue] of queues) if (queue.url === url) dropQueue(key, queue)
    },
    urls: () => [...registered],
    publish(event) {
      if (stop.signal.aborted) return
      if (registered.size === 0) {
        logger({
          level: 'debug',
          event: 'webhook.no_receiver',
          message: `${event.type} not sent: no webhook registered`,
          id: event.id,
        })
        return
      }
      for (const url of registered) {
        const key = `${url}\u0000${event.threadId ?? PROJECT}`
        let queue = queues.get(key)
        if (!queue) {
          queue = { url, events: [], running: false }
          queues.set(key, queue)
        }
        queue.events.push(event)
        pending++
        if (!queue.running) void drain(key, queue)
      }
    },
    idle() {
      if (pending === 0) return Promise.resolve()
      return new Promise((resolve) => waiters.push(resolve))
    },
    close() {
      const undone = pending
      stop.abort()
      for (const [key, queue] of queues) dropQueue(key, queue)
      return undone
    },
  }
}
