import {
  BehaviorSubject,
  Observable,
  Subject,
  distinctUntilChanged,
  filter,
  ignoreElements,
  map,
  takeWhile,
  tap,
  finalize,
  type SchedulerLike,
  type Subscription,
} from 'rxjs'
import { FlowErrorCode, toFlowError } from '../errors.js'
import { alongside, refCounted, until } from './observables.js'
import { sendAcceptedSchema, type EventEnvelope } from '../protocol/index.js'
import { historyPageSchema } from '../schemas/responses.js'
import type { Profile } from '../schemas/primitives.js'
import { backoffDelay, type BackoffOptions } from './backoff.js'
import { buildSend } from './build-send.js'
import { createEventStream, type StreamAuth, type StreamSignal } from './event-stream.js'
import { newTraceId } from './message-id.js'
import { createOutbox, type OutboxItem } from './outbox.js'
import { uploadMessage } from './post-message.js'
import type { RelayHttp } from './relay-http.js'
import type { SessionManager } from './session-manager.js'
import { threadReducer } from './thread-reducer.js'
import { initialThreadState, type ThreadStateAction, type ThreadState } from './thread-state.js'
import { templatesOfPayload } from './to-chat-messages.js'
import type {
  EventSourceConstructor,
  KeyValueStorage,
  SendInput,
  SendState,
  Sender,
  ThreadHandle,
} from './types.js'

/** How long a tab holds an outbox item while sending it; a tab that dies lets others send it after this. */
const LEASE_MS = 30_000

/** Failures worth another attempt later: the message stays in the outbox. */
const TRANSIENT = new Set<string>([
  FlowErrorCode.network,
  FlowErrorCode.timeout,
  FlowErrorCode.server_error,
  FlowErrorCode.unavailable,
  FlowErrorCode.rate_limited,
])

export interface ThreadContext {
  threadId: string
  self: Sender
  http: RelayHttp
  session: SessionManager
  fetch: typeof fetch
  EventSource: EventSourceConstructor | undefined
  auth: StreamAuth
  storage: KeyValueStorage
  /** This tab's id, for outbox leases. */
  owner: string
  scheduler: SchedulerLike
  online$: Observable<boolean>
  isOnline: () => boolean
  visitor?: { name?: string; profile?: Profile }
  backoff?: BackoffOptions
}

/** A thread handle plus what `FlowChat` needs to drive it. */
export interface ThreadHandleInternal extends ThreadHandle {
  /** Sends what waits in the outbox (the connection came back). */
  flush(): void
  /** The state, for operator views and tests. */
  readonly state$: Observable<ThreadState>
  close(): void
}

/**
 * One thread: its state (changed only by `threadReducer`), views over it, the SSE stream (opened by the first
 * subscriber of any view, closed after the last), history loading and sends through the outbox.
 *
 * @example
 * const thread = createThreadHandle(context)
 * thread.messages$.subscribe(render)
 */
export function createThreadHandle(ctx: ThreadContext): ThreadHandleInternal {
  const { threadId, http, session, scheduler } = ctx
  const path = `/v1/threads/${encodeURIComponent(threadId)}`
  const state$ = new BehaviorSubject<ThreadState>(initialThreadState(threadId, ctx.self))
  const events$ = new Subject<EventEnvelope>()
  const closed$ = new BehaviorSubject(false)
  const outbox = createOutbox({
    storage: ctx.storage,
    key: `flowchat:outbox:${threadId}`,
    owner: ctx.owner,
    now: () => scheduler.now(),
  })
  /** Bodies and files of own sends, to retry after a final failure (an upload's file cannot go in storage). */
  const sends = new Map<
    string,
    { body: Record<string, unknown>; upload?: { file: Blob; filename?: string } }
  >()
  const inFlight = new Set<string>()
  let flushing: Promise<void> = Promise.resolve()
  let retryTimer: Subscription | undefined
  let retryAttempt = 0

  const dispatch = (action: ThreadStateAction) => {
    const next = threadReducer(state$.value, action)
    if (next !== state$.value) state$.next(next)
  }
  const countQueued = () =>
    dispatch({ type: 'outbox/changed', count: outbox.list().filter((i) => !inFlight.has(i.traceId)).length })

  // Sends left in storage by an earlier page load show up as pending and go out when the connection returns.
  for (const item of outbox.list()) {
    sends.set(item.traceId, { body: item.body })
    dispatch({
      type: 'send/queued',
      message: {
        id: item.traceId,
        traceId: item.traceId,
        sender: ctx.self,
        own: true,
        state: 'pending',
        createdAt: item.queuedAt,
        templates: templatesOfPayload({ ...item.body, speech: item.body.text }),
      },
    })
  }
  countQueued()

  const loadPage = async (page: number) => {
    await session.ready()
    const result = await http.request('GET', `${path}/messages`, {
      schema: historyPageSchema,
      query: { page },
    })
    dispatch({ type: 'history/loaded', page: result, pageNumber: page, receivedAt: scheduler.now() })
  }
  const refetchHistory = () => void loadPage(1).catch(() => undefined)

  const onSignal = (signal: StreamSignal) => {
    if (signal.type === 'envelope') {
      const before = state$.value
      dispatch({ type: 'envelope/received', envelope: signal.envelope })
      // The reducer drops duplicates and older ids; only what it accepted is an event.
      if (state$.value.lastEventId !== before.lastEventId) events$.next(signal.envelope)
    } else if (signal.type === 'reset') {
      dispatch({ type: 'stream/reset' })
      refetchHistory()
    } else {
      const wasResumable = state$.value.lastEventId !== undefined
      dispatch({ type: 'connection/changed', connection: signal.connection })
      if (signal.connection.state === 'open') {
        // Without an id to resume from, what happened before this connection is only in history.
        if (!wasResumable) refetchHistory()
        flush()
      }
    }
  }

  const stream$ = new Observable<StreamSignal>((subscriber) => {
    if (!ctx.EventSource) {
      dispatch({
        type: 'connection/changed',
        connection: {
          state: 'failed',
          reason: 'No EventSource: pass `EventSource` (the `eventsource` package in Node).',
        },
      })
      return
    }
    return createEventStream({
      url: http.url(`${path}/events`),
      EventSource: ctx.EventSource,
      auth: ctx.auth,
      fetch: ctx.fetch,
      session,
      lastEventId: () => state$.value.lastEventId,
      online$: ctx.online$,
      scheduler,
      ...(ctx.backoff ? { backoff: ctx.backoff } : {}),
    }).subscribe(subscriber)
  }).pipe(
    tap(onSignal),
    finalize(() => {
      if (state$.value.connection.state !== 'failed')
        dispatch({ type: 'connection/changed', connection: { state: 'idle' } })
    }),
    ignoreElements(),
    refCounted(),
  )

  /** A view over the state that keeps the stream open while subscribed. */
  const view = <T>(select: (s: ThreadState) => T): Observable<T> =>
    alongside(stream$, state$.pipe(map(select))).pipe(distinctUntilChanged(), until(closed$))

  const scheduleRetry = () => {
    retryTimer?.unsubscribe()
    retryAttempt++
    retryTimer = scheduler.schedule(() => flush(), backoffDelay(retryAttempt, ctx.backoff))
  }

  /** Sends one outbox item; false when it should be tried again later (and the flush stops, keeping order). */
  const deliver = async (item: OutboxItem): Promise<boolean> => {
    // The relay's echo (or a bot answer) already proved it arrived, say when its 202 was lost: never send twice.
    const known = state$.value.messages.find((m) => m.id === item.traceId)
    if (known?.state === 'sent' || known?.state === 'delivered') {
      outbox.remove(item.traceId)
      countQueued()
      return true
    }
    if (!ctx.isOnline()) return false
    if (!outbox.claim(item.traceId, LEASE_MS)) return true
    inFlight.add(item.traceId)
    countQueued()
    dispatch({ type: 'send/started', traceId: item.traceId })
    try {
      await session.ready()
      await http.request('POST', `${path}/messages`, { body: item.body, schema: sendAcceptedSchema })
      outbox.remove(item.traceId)
      dispatch({ type: 'send/accepted', traceId: item.traceId })
      retryAttempt = 0
      return true
    } catch (error) {
      const err = toFlowError(error)
      if (err.code === FlowErrorCode.unauthorized && (await session.refresh())) {
        outbox.release(item.traceId)
        return false
      }
      if (TRANSIENT.has(err.code)) {
        outbox.release(item.traceId)
        return false
      }
      outbox.remove(item.traceId)
      dispatch({ type: 'send/failed', traceId: item.traceId, error: `${err.code}: ${err.message}` })
      return true
    } finally {
      inFlight.delete(item.traceId)
      countQueued()
    }
  }

  function flush(): void {
    flushing = flushing.then(async () => {
      for (const item of outbox.list()) {
        if (!(await deliver(item))) {
          if (ctx.isOnline()) scheduleRetry()
          break
        }
      }
    })
  }

  const upload = async (
    traceId: string,
    body: Record<string, unknown>,
    file: { file: Blob; filename?: string },
  ) => {
    if (!ctx.isOnline()) {
      dispatch({ type: 'send/failed', traceId, error: 'network: offline; retry when the connection is back' })
      return
    }
    dispatch({ type: 'send/started', traceId })
    try {
      await session.ready()
      await uploadMessage({
        url: http.url(`${path}/messages`),
        token: session.token(),
        query: body,
        file: file.file,
        ...(file.filename === undefined ? {} : { filename: file.filename }),
        fetch: ctx.fetch,
        onProgress: (progress) => dispatch({ type: 'send/progress', traceId, progress }),
      })
      dispatch({ type: 'send/accepted', traceId })
    } catch (error) {
      const err = toFlowError(error)
      dispatch({ type: 'send/failed', traceId, error: `${err.code}: ${err.message}` })
    }
  }

  const sendState$ = (traceId: string): Observable<SendState> =>
    state$.pipe(
      map((s) => s.messages.find((m) => m.id === traceId)?.state),
      filter((s): s is SendState => s !== undefined),
      distinctUntilChanged(),
      takeWhile((s) => s !== 'delivered' && s !== 'failed', true),
      until(closed$),
    )

  const start = (traceId: string) => {
    const send = sends.get(traceId)
    if (!send) return
    if (send.upload) return void upload(traceId, send.body, send.upload)
    outbox.add({ traceId, body: send.body, queuedAt: scheduler.now() })
    countQueued()
    flush()
  }

  return {
    threadId,
    state$: state$.asObservable(),
    events$: alongside(stream$, events$).pipe(until(closed$)),
    messages$: view((s) => s.messages),
    connection$: view((s) => s.connection),
    botStatus$: view((s) => s.botStatus),
    awaitingReply$: view((s) => {
      const last = s.messages.at(-1)
      return (
        s.botStatus.state === 'active' &&
        last?.own === true &&
        (last.state === 'sent' || last.state === 'pending')
      )
    }),
    queued$: view((s) => s.queued),
    hasOlder$: view((s) => s.pages === undefined || s.pagesLoaded < s.pages),
    send(input: SendInput) {
      const traceId = newTraceId()
      const built = buildSend(input, {
        traceId,
        now: scheduler.now(),
        self: ctx.self,
        ...(ctx.visitor ? { visitor: ctx.visitor } : {}),
      })
      if ('error' in built) {
        dispatch({
          type: 'send/queued',
          message: {
            id: traceId,
            traceId,
            sender: ctx.self,
            own: true,
            createdAt: scheduler.now(),
            templates: [],
            state: 'pending',
          },
        })
        dispatch({ type: 'send/failed', traceId, error: `invalid_input: ${built.error}` })
        return sendState$(traceId)
      }
      sends.set(traceId, { body: built.body, ...(built.upload ? { upload: built.upload } : {}) })
      dispatch({ type: 'send/queued', message: built.message })
      start(traceId)
      return sendState$(traceId)
    },
    retry(messageId: string) {
      const message = state$.value.messages.find((m) => m.id === messageId)
      if (message?.state === 'failed' && sends.has(messageId)) start(messageId)
      else if (message?.state === 'pending') flush()
      return sendState$(messageId)
    },
    async loadOlder() {
      const s = state$.value
      if (s.pages !== undefined && s.pagesLoaded >= s.pages) return
      await loadPage(s.pagesLoaded + 1)
    },
    flush,
    close() {
      retryTimer?.unsubscribe()
      closed$.next(true)
    },
  }
}
