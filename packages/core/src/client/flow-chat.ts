import {
  BehaviorSubject,
  Subject,
  asyncScheduler,
  defer,
  distinctUntilChanged,
  finalize,
  map,
  merge,
  share,
  takeUntil,
  tap,
  ignoreElements,
  type Observable,
} from 'rxjs'
import * as z from 'zod/mini'
import { FlowError, FlowErrorCode } from '../errors.js'
import type { EventEnvelope } from '../protocol/index.js'
import { businessHoursSchema } from '../schemas/responses.js'
import { createEventStream } from './event-stream.js'
import { defaultStorage } from './memory-storage.js'
import { compareEventIds, newTraceId } from './message-id.js'
import { defaultOnline$ } from './online.js'
import { createOperatorApi } from './operator-api.js'
import { createRelayHttp } from './relay-http.js'
import { createSessionManager } from './session-manager.js'
import { createThreadHandle, type ThreadHandleInternal } from './thread-handle.js'
import { sortedThreads, threadsReducer, type ThreadsAction, type ThreadsState } from './threads-summary.js'
import type { Connection, FlowChat, FlowChatOptions, ThreadSummary } from './types.js'

const businessHoursAnswer = z.looseObject({ businessHours: z.array(businessHoursSchema) })

/**
 * Creates the reactive client of a flowchat relay: per-thread streams of messages, events, connection and bot
 * status, sends with delivery state and an outbox, and for operators every thread at once. Works in browsers
 * (native EventSource, localStorage, online/offline events) and in Node (pass `EventSource` from the
 * `eventsource` package; the token then goes in a header instead of the URL).
 *
 * @example
 * import { EventSource } from 'eventsource'
 * const chat = createFlowChat({ relayUrl: 'http://localhost:8080', EventSource })
 * const { threadId } = await chat.session()
 * const thread = chat.thread(threadId)
 * thread.messages$.subscribe((messages) => console.log(messages.length))
 * thread.send({ type: 'text', text: 'Hello' })
 */
export function createFlowChat(options: FlowChatOptions): FlowChat {
  let relayUrl: string
  try {
    relayUrl = new URL(options.relayUrl).href.replace(/\/+$/, '')
  } catch {
    throw new FlowError(
      FlowErrorCode.invalid_input,
      `relayUrl: must be an absolute URL, got "${String(options.relayUrl)}".`,
      {
        path: 'relayUrl',
      },
    )
  }
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis)
  const nativeEventSource = (globalThis as { EventSource?: FlowChatOptions['EventSource'] }).EventSource
  const EventSourceImpl = options.EventSource ?? nativeEventSource
  const auth =
    options.eventSourceAuth ??
    (options.EventSource && options.EventSource !== nativeEventSource ? 'header' : 'query')
  const storage = options.storage ?? defaultStorage()
  const scheduler = options.scheduler ?? asyncScheduler
  const given = options.session ?? { anonymous: true as const }
  const self = 'operatorToken' in given ? 'agent' : 'visitor'
  const owner = newTraceId()
  const closed$ = new Subject<void>()

  let sessionToken: () => string | undefined = () => undefined
  const http = createRelayHttp({ relayUrl, fetch: fetchImpl, token: () => sessionToken() })
  const session = createSessionManager({
    session: given,
    ...(options.visitor?.name ? { visitorName: options.visitor.name } : {}),
    http,
    storage,
    storageKey: `flowchat:session:${relayUrl}`,
    scheduler,
  })
  sessionToken = () => session.token()

  const handles = new Map<string, ThreadHandleInternal>()
  const online = new BehaviorSubject(true)
  const onlineSub = (options.online$ ?? defaultOnline$()).subscribe((up) => {
    const was = online.value
    online.next(up)
    if (up && !was) for (const handle of handles.values()) handle.flush()
  })

  // Operators: one stream of every thread, with its own resume position.
  let operatorLastId: string | undefined
  const operatorEvents$ = new Subject<EventEnvelope>()
  const operatorConnection$ = new BehaviorSubject<Connection>({ state: 'idle' })
  const operatorStream$ = defer(() => {
    if (!EventSourceImpl)
      throw new FlowError(FlowErrorCode.invalid_input, 'No EventSource: pass `EventSource`.')
    return createEventStream({
      url: http.url('/v1/events'),
      EventSource: EventSourceImpl,
      auth,
      fetch: fetchImpl,
      session,
      lastEventId: () => operatorLastId,
      online$: online,
      scheduler,
      ...(options.backoff ? { backoff: options.backoff } : {}),
    })
  }).pipe(
    tap((signal) => {
      if (signal.type === 'reset') operatorLastId = undefined
      if (signal.type === 'connection') operatorConnection$.next(signal.connection)
      if (signal.type !== 'envelope') return
      const { envelope } = signal
      if (operatorLastId !== undefined && compareEventIds(envelope.id, operatorLastId) <= 0) return
      operatorLastId = envelope.id
      operatorEvents$.next(envelope)
    }),
    finalize(() => {
      if (operatorConnection$.value.state !== 'failed') operatorConnection$.next({ state: 'idle' })
    }),
    ignoreElements(),
    share({ resetOnRefCountZero: true }),
  )
  const events$ = merge(operatorStream$, operatorEvents$).pipe(takeUntil(closed$))
  const connection$ = merge(operatorStream$, operatorConnection$).pipe(
    distinctUntilChanged(),
    takeUntil(closed$),
  )

  const threadsState$ = new BehaviorSubject<ThreadsState>({})
  const dispatchThreads = (action: ThreadsAction) => {
    const next = threadsReducer(threadsState$.value, action)
    if (next !== threadsState$.value) threadsState$.next(next)
  }
  const operator = createOperatorApi(http, (threadId) => dispatchThreads({ type: 'thread/read', threadId }))
  // Loading the list and folding events in run once while anyone watches; each subscriber reads the state.
  const threadsEffects$ = defer(() => {
    operator
      .threads(1)
      .then((page) =>
        dispatchThreads({ type: 'threads/listed', threadIds: page.threads, at: scheduler.now() }),
      )
      .catch(() => undefined)
    return events$.pipe(tap((envelope) => dispatchThreads({ type: 'envelope/received', envelope })))
  }).pipe(ignoreElements(), share({ resetOnRefCountZero: true }))
  const threads$: Observable<readonly ThreadSummary[]> = merge(
    threadsEffects$,
    threadsState$.pipe(map(sortedThreads)),
  ).pipe(takeUntil(closed$))

  return {
    async session() {
      if ('operatorToken' in given) {
        throw new FlowError(
          FlowErrorCode.invalid_input,
          'An operator session has no thread of its own: use chat.thread(id).',
        )
      }
      const ready = await session.ready()
      return { threadId: ready.threadId ?? '' }
    },
    thread(threadId) {
      if (typeof threadId !== 'string' || threadId.length === 0) {
        throw new FlowError(FlowErrorCode.invalid_input, 'threadId: must be a non-empty string.', {
          path: 'threadId',
        })
      }
      let handle = handles.get(threadId)
      if (!handle) {
        handle = createThreadHandle({
          threadId,
          self,
          http,
          session,
          fetch: fetchImpl,
          EventSource: EventSourceImpl,
          auth,
          storage,
          owner,
          scheduler,
          online$: online,
          isOnline: () => online.value,
          ...(options.visitor ? { visitor: options.visitor } : {}),
          ...(options.backoff ? { backoff: options.backoff } : {}),
        })
        handles.set(threadId, handle)
      }
      return handle
    },
    events$,
    connection$,
    threads$,
    operator,
    async businessHours() {
      await session.ready()
      return (await http.request('GET', '/v1/business-hours', { schema: businessHoursAnswer })).businessHours
    },
    close() {
      for (const handle of handles.values()) handle.close()
      handles.clear()
      closed$.next()
      closed$.complete()
      onlineSub.unsubscribe()
      session.close()
    },
  }
}
