import { Observable } from 'rxjs'
import type { StreamSignal } from './event-stream.js'
import type { HistoryPager } from './history-pager.js'
import { refCounted } from './observables.js'
import type { ThreadStore } from './thread-store.js'

/**
 * Wires a thread's SSE signals into its store: envelopes are folded in, a `reset` (the relay could not resume)
 * refetches history, and an `open` without an id to resume from refetches history too, then calls `onOpen` (the
 * outbox flushes). The returned observable emits nothing; it opens the stream with its first subscriber and
 * closes it after the last.
 *
 * @example
 * const stream$ = createThreadStream({ store, pager, signals: () => createEventStream(options), onOpen: flush })
 * const messages$ = alongside(stream$, store.state$.pipe(map((s) => s.messages)))
 */
export function createThreadStream(options: {
  store: ThreadStore
  pager: HistoryPager
  /** The signals of one connection lifetime. */
  signals: () => Observable<StreamSignal>
  onOpen: () => void
}): Observable<never> {
  const { store, pager } = options
  const onSignal = (signal: StreamSignal) => {
    if (signal.type === 'envelope') return store.receive(signal.envelope)
    if (signal.type === 'reset') {
      store.dispatch({ type: 'stream/reset' })
      return pager.refetch()
    }
    const wasResumable = store.value.lastEventId !== undefined
    store.dispatch({ type: 'connection/changed', connection: signal.connection })
    if (signal.connection.state === 'open') {
      // Without an id to resume from, what happened before this connection is only in history.
      if (!wasResumable) pager.refetch()
      options.onOpen()
    }
  }
  // One subscription to the signals, folded in as they come: what `tap`, `finalize` and `ignoreElements` would
  // do, without their operator code in a visitor's bundle.
  return new Observable<never>((subscriber) => {
    const subscription = options.signals().subscribe({
      next: onSignal,
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    })
    return () => {
      subscription.unsubscribe()
      if (store.value.connection.state !== 'failed')
        store.dispatch({ type: 'connection/changed', connection: { state: 'idle' } })
    }
  }).pipe(refCounted())
}
