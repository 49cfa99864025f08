import { Observable, type SchedulerLike, type Subscription } from 'rxjs'
import { EnvelopeKind, type EventEnvelope } from '../protocol/envelope.js'
import { stallTimeoutMs, type StreamFrame } from '../protocol/heartbeat.js'
import { readEnvelope, readHello } from './relay-readers.js'
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from '../retry/backoff.js'
import { isTransientStatus } from '../retry/transient.js'
import type { SessionManager } from './session-manager.js'
import type { Connection, EventSourceConstructor } from './types.js'

/** What a stream reports: its connection, each event, and a reset (the relay could not resume). */
export type StreamSignal =
  | { type: 'connection'; connection: Connection }
  | { type: 'envelope'; envelope: EventEnvelope }
  | { type: 'reset'; reason: string }

/** How the token reaches the relay: a header through the `eventsource` package's `fetch`, or `?access_token=`. */
export type StreamAuth = 'header' | 'query'

export interface EventStreamOptions {
  /** Absolute URL of the stream with this query (undefined values left out): `RelayHttp.url`'s rule. */
  url: (query: Record<string, string | undefined>) => string
  EventSource: EventSourceConstructor
  auth: StreamAuth
  fetch: typeof fetch
  session: SessionManager
  /** The id to resume after, read at each connection attempt. */
  lastEventId: () => string | undefined
  /** Whether the network is up (`FlowChatOptions.online$`'s values). */
  online: Observable<boolean>
  scheduler: SchedulerLike
  backoff?: BackoffOptions
}

/**
 * Every event name the relay sends; an EventSource only delivers named events someone listens to. A name listed
 * twice would do no harm: adding the same listener for the same name again is a no-op.
 */
const EVENT_NAMES = [...Object.values(EnvelopeKind), 'message']

/** An SSE frame's data as JSON; undefined when it is not JSON (such a frame is skipped). */
function dataOf(event: Event): unknown {
  try {
    return JSON.parse((event as MessageEvent<string>).data)
  } catch {
    return undefined
  }
}

/**
 * A relay SSE stream with its own reconnect policy. One EventSource per attempt, closed on any error so the
 * browser's blind auto-retry never runs: the next attempt waits a jittered exponential back-off (reset once a
 * connection stayed up `healthyMs`) and resumes with `lastEventId`. `open` is reported only after the EventSource
 * opened. 401/403 trigger one token refresh; if that fails or the relay refuses again, the stream ends `failed`.
 * Offline (from `online`) closes the stream and reconnects at once when back online. The relay's `hello` frame
 * announces its heartbeat interval; when no frame at all arrives for `MISSED_HEARTBEATS` intervals (a proxy that
 * buffers, a half-dead NAT), the connection is taken for stalled and replaced at once, resuming from the last id.
 *
 * @example
 * createEventStream({ url, EventSource, auth: 'header', fetch, session, lastEventId, online, scheduler })
 *   .subscribe((signal) => dispatch(signal))
 */
export function createEventStream(options: EventStreamOptions): Observable<StreamSignal> {
  return new Observable<StreamSignal>((subscriber) => {
    const { scheduler, session } = options
    const backoff = { ...DEFAULT_BACKOFF, ...options.backoff }
    let source: EventSource | undefined
    let retry: Subscription | undefined
    let stall: Subscription | undefined
    /** From the relay's `hello`; until then (an older relay) no stall is detected. */
    let heartbeatMs: number | undefined
    let attempt = 0
    let openedAt: number | undefined
    let refreshedSinceOpen = false
    let online = true
    let done = false
    let generation = 0

    const report = (connection: Connection) => subscriber.next({ type: 'connection', connection })

    const close = () => {
      generation++
      source?.close()
      source = undefined
      retry?.unsubscribe()
      retry = undefined
      stall?.unsubscribe()
      stall = undefined
    }

    /** Any frame proves the connection alive; `MISSED_HEARTBEATS` intervals of silence mean it stalled. */
    const alive = (es: EventSource) => {
      if (source !== es || heartbeatMs === undefined) return
      stall?.unsubscribe()
      const timeout = stallTimeoutMs(heartbeatMs)
      stall = scheduler.schedule(() => {
        if (source !== es) return
        scheduleRetry(`no heartbeat for ${timeout} ms: the connection stalled`, true)
      }, timeout)
    }

    const finish = (reason: string) => {
      if (done) return
      close()
      done = true
      report({ state: 'failed', reason })
    }

    const scheduleRetry = (reason: string, immediate = false) => {
      close()
      if (done || !online) return
      if (openedAt !== undefined && scheduler.now() - openedAt >= backoff.healthyMs) attempt = 0
      openedAt = undefined
      attempt++
      // At once only as the first retry in a row: a stall or refresh that keeps coming back gets the back-off.
      const retryInMs = immediate && attempt < 2 ? 0 : backoffDelay(attempt, backoff)
      report({ state: 'reconnecting', attempt, retryInMs, reason })
      retry = scheduler.schedule(() => void connect(), retryInMs)
    }

    const connect = async () => {
      close()
      const mine = generation
      if (done || !online) return
      if (attempt === 0) report({ state: 'connecting' })
      try {
        await session.ready()
      } catch (error) {
        if (mine !== generation) return
        const status = session.status$.value
        if (status.state === 'failed') return finish(status.reason)
        // ready() rejects with a FlowError.
        return scheduleRetry((error as Error).message)
      }
      if (mine !== generation || done || !online) return
      const token = session.token()
      const init =
        options.auth === 'header'
          ? {
              fetch: ((url: string, init: RequestInit) =>
                options.fetch(url, {
                  ...init,
                  headers: {
                    ...(init.headers as Record<string, string>),
                    authorization: `Bearer ${session.token() ?? ''}`,
                  },
                })) as typeof fetch,
            }
          : undefined
      const url = options.url({
        lastEventId: options.lastEventId(),
        access_token: (options.auth === 'query' && token) || undefined,
      })
      const es = new options.EventSource(url, init)
      source = es
      // Frame names as checked literals: the StreamFrame object stays out of a browser bundle.
      es.addEventListener('hello' satisfies StreamFrame, (event) => {
        const hello = readHello(dataOf(event))
        if (hello && hello.heartbeatMs > 0) heartbeatMs = hello.heartbeatMs
        alive(es)
      })
      es.addEventListener('heartbeat' satisfies StreamFrame, () => alive(es))
      es.addEventListener('open', () => {
        if (source !== es) return
        openedAt = scheduler.now()
        refreshedSinceOpen = false
        alive(es)
        report({ state: 'open' })
      })
      const onEvent = (event: Event) => {
        if (source !== es) return
        alive(es)
        const envelope = readEnvelope(dataOf(event))
        if (envelope) subscriber.next({ type: 'envelope', envelope })
      }
      for (const name of EVENT_NAMES) es.addEventListener(name, onEvent)
      es.addEventListener('reset', (event) => {
        if (source !== es) return
        alive(es)
        // A reset without a readable reason is still a reset.
        const reason = (dataOf(event) as { reason?: unknown } | null | undefined)?.reason
        subscriber.next({
          type: 'reset',
          reason: typeof reason === 'string' ? reason : 'the relay could not resume',
        })
      })
      es.addEventListener('error', (event) => {
        if (source !== es) return
        const code = (event as Event & { code?: number }).code
        es.close()
        void onError(code, (event as Event & { message?: string }).message)
      })
    }

    const onError = async (code: number | undefined, message: string | undefined) => {
      if (code === 401 || code === 403) {
        close()
        const refused = `The relay refused the token (HTTP ${code})`
        if (refreshedSinceOpen) return finish(`${refused} even after a refresh.`)
        refreshedSinceOpen = true
        const mine = generation
        const ok = await session.refresh()
        // A refresh that failed the session has ended the stream already, with the session's reason (its status
        // is watched below).
        if (mine !== generation || done) return
        if (!ok) return finish(`${refused}.`)
        return scheduleRetry(`token refreshed after HTTP ${code}`, true)
      }
      // A 200 that is not an event stream (a captive portal, a proxy's page) is a network failure, not an answer.
      if (code !== undefined && code !== 200 && !isTransientStatus(code))
        return finish(`The relay answered HTTP ${code} to the stream.`)
      scheduleRetry(code === undefined ? (message ?? 'connection lost') : `HTTP ${code}`)
    }

    const sessionSub = session.status$.subscribe((status) => {
      if (status.state === 'failed') finish(status.reason)
    })
    const onlineSub = options.online.subscribe((up) => {
      if (done || up === online) return
      online = up
      if (!up) {
        close()
        openedAt = undefined
        report({ state: 'offline' })
      } else {
        attempt = 0
        void connect()
      }
    })
    if (online && !done) void connect()

    return () => {
      done = true
      close()
      sessionSub.unsubscribe()
      onlineSub.unsubscribe()
    }
  })
}
