// build-send comes after event-stream: the order of their modules in the widget's single file that gzips best (-9 B).
import { BehaviorSubject, Observable } from 'rxjs'
import { FlowError } from '../errors.js'
import type { Profile } from '../schemas/primitives.js'
import type { BackoffOptions } from '../retry/backoff.js'
import { createDeliverSend } from './deliver-send.js'
import { createEventStream, type StreamSignal } from './event-stream.js'
import { buildSend, pendingMessage } from './build-send.js'
import { createHistoryPager, hasOlderPages } from './history-pager.js'
import { newTraceId } from './message-id.js'
import { alongside, selectDistinct, until } from './observables.js'
import { createOutbox, outboxKey } from './outbox.js'
import type { SessionContext } from './flow-chat.js'
import { createSendQueue, type SendQueue } from './send-queue.js'
import type { SessionManager } from './session-manager.js'
import type { ThreadState } from './thread-state.js'
import { createThreadStore } from './thread-store.js'
import { createThreadStream } from './thread-stream.js'
import { threadEvents } from './visitor-routes.js'
import { routePath } from '../protocol/relay-route.js'
import type { SendInput, SendState, Sender, ThreadHandle } from './types.js'

/** A thread's part of the client: the client's transport and state (`SessionContext`), and the thread's own. */
export interface ThreadContext extends SessionContext {
  threadId: string
  self: Sender
  session: SessionManager
  /** This tab's id, for outbox leases. */
  owner: string
  visitor?: { name?: string; profile?: Profile }
  backoff?: BackoffOptions
  /** Where the stream's signals come from; default: this tab's own `createEventStream`. */
  signals?: (open: () => Observable<StreamSignal>) => Observable<StreamSignal>
}

/** A thread handle plus what `FlowChat` needs to drive it. */
export interface ThreadHandleInternal extends ThreadHandle {
  /** Sends what waits in the outbox (the connection came back). */
  flush(): void
  /** The state, for operator views and tests. */
  readonly state$: Observable<ThreadState>
  /** The send queue, for tests. */
  readonly queue: SendQueue
  close(): void
}

/**
 * One thread, composed of its store (`thread-store`), its SSE wiring (`thread-stream`, opened by the first
 * subscriber of any view and closed after the last), its history pages (`history-pager`) and its send queue
 * (`send-queue`, text and uploads alike).
 *
 * @example
 * const thread = createThreadHandle(context)
 * thread.messages$.subscribe(render)
 */
export function createThreadHandle(ctx: ThreadContext): ThreadHandleInternal {
  const { threadId, http, scheduler } = ctx
  const store = createThreadStore(threadId, ctx.self)
  const closed$ = new BehaviorSubject(false)
  const pager = createHistoryPager({ ...ctx, store })
  // The context's session, scheduler, online, self and backoff, and the thread's own parts.
  const queue = createSendQueue({
    ...ctx,
    store,
    // The context's storage and owner.
    outbox: createOutbox({ ...ctx, key: outboxKey(threadId), now: () => scheduler.now() }),
    deliver: createDeliverSend(ctx),
  })

  const open = (): Observable<StreamSignal> =>
    // The context's EventSource, auth, fetch, session, online, scheduler and backoff.
    createEventStream({
      ...ctx,
      url: (query) => http.url(routePath(threadEvents, { threadId }), query),
      lastEventId: () => store.value.lastEventId,
    })
  const stream$ = createThreadStream({
    store,
    pager,
    signals: () => ctx.signals?.(open) ?? open(),
    onOpen: () => queue.flush(),
  })

  /** A view over the state that keeps the stream open while subscribed. */
  const view = <T>(select: (s: ThreadState) => T): Observable<T> =>
    alongside(stream$, store.state$.pipe(selectDistinct(select))).pipe(until(closed$))

  const sendState$ = (traceId: string): Observable<SendState> =>
    store.state$.pipe(
      selectDistinct(
        (s) => s.messages.find((m) => m.id === traceId)?.state,
        (state) => state === 'delivered' || state === 'failed',
      ),
      until(closed$),
    )

  return {
    threadId,
    state$: store.state$,
    queue,
    events$: alongside(stream$, store.events$).pipe(until(closed$)),
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
    hasOlder$: view(hasOlderPages),
    send(input: SendInput) {
      const traceId = newTraceId()
      const now = scheduler.now()
      const built = buildSend(input, { traceId, now, self: ctx.self, visitor: ctx.visitor })
      const invalid = 'error' in built
      // An invalid send still shows, failed with the reason.
      store.dispatch({
        type: 'send/queued',
        message: invalid ? pendingMessage(traceId, ctx.self, now) : built.message,
      })
      if (invalid) store.dispatch({ type: 'send/failed', traceId, error: `invalid_input: ${built.error}` })
      else queue.enqueue(traceId, built.body, built.upload)
      return sendState$(traceId)
    },
    retry(messageId: string) {
      // Own messages alone have a state: any other id would give a view that never emits.
      const state = store.value.messages.find((m) => m.id === messageId)?.state
      if (state === 'failed') queue.retry(messageId)
      else if (state === 'pending') queue.flush()
      return state
        ? sendState$(messageId)
        : new Observable<SendState>((subscriber) =>
            subscriber.error(
              new FlowError('invalid_input', `messageId: no send "${messageId}" in this thread.`),
            ),
          )
    },
    loadOlder: () => pager.loadOlder(),
    flush: () => queue.flush(),
    close() {
      queue.close()
      closed$.next(true)
    },
  }
}
