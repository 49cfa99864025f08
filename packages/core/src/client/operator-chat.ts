import {
  BehaviorSubject,
  ReplaySubject,
  Subject,
  Observable,
  defer,
  distinctUntilChanged,
  finalize,
  ignoreElements,
  map,
  merge,
  share,
  takeUntil,
  tap,
  type Subscription,
} from 'rxjs'
import type { EventEnvelope } from '../protocol/index.js'
import { createEventStream, type StreamSignal } from './event-stream.js'
import { createClient } from './flow-chat.js'
import { compareEventIds } from './message-id.js'
import { createOperatorApi } from './operator-api.js'
import { sortedThreads, threadsReducer, type ThreadsAction, type ThreadsState } from './threads-summary.js'
import { FlowError, toFlowError } from '../errors.js'
import { backoffDelay } from '../retry/backoff.js'
import { isTransientFailure } from '../retry/transient.js'
import { isSendableCredential } from '../sendable-credential.js'
import { createOperatorSession } from './operator-session.js'
import type { Connection, OperatorChat, OperatorChatOptions, ThreadSummary } from './types.js'

/** Where a thread's signals go: to its stream while watched, else noted as missed. */
interface ThreadFeed {
  next?: (signal: StreamSignal) => void
  missed: boolean
}

const toFeed = (feed: ThreadFeed, signal: StreamSignal) => {
  if (feed.next) feed.next(signal)
  else feed.missed = true
}

/**
 * The client of `createFlowChat` plus what an operator console needs: one stream of every thread
 * (`events$`, `connection$`), the thread list (`threads$`) and the operator routes (`operator`). Kept apart so
 * that a visitor's bundle, which imports only `createFlowChat`, carries none of it.
 *
 * @example
 * const chat = createOperatorChat({ relayUrl, session: { operatorToken } })
 * chat.threads$.subscribe((threads) => render(threads))
 * await chat.operator.pause(threadId)
 */
export function createOperatorChat(options: OperatorChatOptions): OperatorChat {
  const operatorToken = (options as Partial<OperatorChatOptions> | undefined)?.session?.operatorToken
  // Checked before anything opens: a token fetch cannot send would come back quoted in every connection's
  // reason and error, reconnecting forever as a network failure, and a missing one as the relay's refusal.
  if (!isSendableCredential(operatorToken)) {
    throw new FlowError(
      'invalid_input',
      'session.operatorToken: must be the operator token from POST /v1/operator/sessions, a non-empty string of printable ASCII without surrounding spaces or line breaks.',
      { path: 'session.operatorToken' },
    )
  }
  const { chat, parts } = createClient(
    options,
    'agent',
    ({ scheduler }) => createOperatorSession(operatorToken, scheduler),
    // The operator's threads read the one all-threads stream: one stream each would soon pass the relay's cap of
    // streams per token (5 by default), and the extra ones retried its 429 for ever.
    (threadId) => () => threadSignals(threadId),
  )
  const { http, session, scheduler, online } = parts
  // Ends the operator's streams when the client closes (close, or reset, which closes). It replays: a stream
  // subscribed after that ends at once instead of opening a connection nobody can close.
  const closed$ = new ReplaySubject<void>(1)

  // One stream of every thread, with its own resume position.
  let lastId: string | undefined
  /** The threads watched through `chat.thread(id)` at least once: where their signals go while watched. */
  const feeds = new Map<string, ThreadFeed>()
  const operatorEvents$ = new Subject<EventEnvelope>()
  const operatorConnection$ = new BehaviorSubject<Connection>({ state: 'idle' })
  const stream$ = createEventStream({
    url: (query) => http.url('/v1/events', query),
    EventSource: parts.EventSource,
    auth: parts.auth,
    fetch: parts.fetch,
    session,
    lastEventId: () => lastId,
    online,
    scheduler,
    ...(options.backoff ? { backoff: options.backoff } : {}),
  }).pipe(
    tap((signal) => {
      if (signal.type === 'reset') {
        lastId = undefined
        // The relay cannot say what this stream missed: threads that began meanwhile show up from the list.
        listThreads()
        for (const feed of feeds.values()) toFeed(feed, signal)
      }
      if (signal.type === 'connection') operatorConnection$.next(signal.connection)
      if (signal.type !== 'envelope') return
      const { envelope } = signal
      if (lastId !== undefined && compareEventIds(envelope.id, lastId) <= 0) return
      lastId = envelope.id
      const feed = envelope.threadId === null ? undefined : feeds.get(envelope.threadId)
      if (feed) toFeed(feed, signal)
      operatorEvents$.next(envelope)
    }),
    finalize(() => {
      if (operatorConnection$.value.state !== 'failed') operatorConnection$.next({ state: 'idle' })
    }),
    ignoreElements(),
    share({ resetOnRefCountZero: true }),
  )
  /**
   * A thread's stream signals, read from the all-threads stream (which stays open while any thread is watched):
   * its connection, its own events and the stream's resets. A thread watched again after events of its own came
   * while nobody watched it gets a reset first, so it reloads its history instead of missing them; the
   * all-threads stream resumes from its own last id, so nothing else is missed.
   */
  function threadSignals(threadId: string): Observable<StreamSignal> {
    return new Observable<StreamSignal>((subscriber) => {
      const feed = feeds.get(threadId) ?? { missed: false }
      feeds.set(threadId, feed)
      const connection = operatorConnection$.subscribe((c) =>
        subscriber.next({ type: 'connection', connection: c }),
      )
      if (feed.missed)
        subscriber.next({ type: 'reset', reason: 'events came while the thread was not watched' })
      feed.missed = false
      feed.next = (signal) => subscriber.next(signal)
      const open = stream$.subscribe()
      return () => {
        feed.next = undefined
        connection.unsubscribe()
        open.unsubscribe()
      }
    })
  }

  const events$ = merge(stream$, operatorEvents$).pipe(takeUntil(closed$))
  const connection$ = merge(stream$, operatorConnection$).pipe(distinctUntilChanged(), takeUntil(closed$))

  const threadsState$ = new BehaviorSubject<ThreadsState>({})
  const dispatch = (action: ThreadsAction) => {
    const next = threadsReducer(threadsState$.value, action)
    if (next !== threadsState$.value) threadsState$.next(next)
  }
  const operator = createOperatorApi(http, session, (threadId) => dispatch({ type: 'thread/read', threadId }))
  // While someone watches threads$: a list the relay could not give (a blip) is asked for again after a back-off.
  let watching = false
  let listRetry: Subscription | undefined
  function listThreads(attempt = 0): void {
    listRetry?.unsubscribe()
    operator.threads(1).then(
      (page) => dispatch({ type: 'threads/listed', threadIds: page.threads, at: scheduler.now() }),
      (error: unknown) => {
        // A refusal ends the session, which connection$ shows; only a failure that may pass is worth a retry.
        if (!watching || !isTransientFailure(toFlowError(error))) return
        const wait = backoffDelay(attempt + 1, options.backoff)
        listRetry = scheduler.schedule(() => listThreads(attempt + 1), wait)
      },
    )
  }
  // Loading the list and folding events in run once while anyone watches; each subscriber reads the state.
  const threadsEffects$ = defer(() => {
    watching = true
    listThreads()
    return events$.pipe(tap((envelope) => dispatch({ type: 'envelope/received', envelope })))
  }).pipe(
    finalize(() => {
      watching = false
      listRetry?.unsubscribe()
    }),
    ignoreElements(),
    share({ resetOnRefCountZero: true }),
  )
  const threads$: Observable<readonly ThreadSummary[]> = merge(
    threadsEffects$,
    threadsState$.pipe(map(sortedThreads)),
  ).pipe(takeUntil(closed$))

  return {
    ...chat,
    close() {
      chat.close()
      closed$.next()
    },
    reset() {
      chat.reset()
      closed$.next()
    },
    session() {
      return Promise.reject(
        new FlowError('invalid_input', 'An operator session has no thread of its own: use chat.thread(id).'),
      )
    },
    events$,
    connection$,
    threads$,
    operator,
  }
}
