import { BehaviorSubject, Subject, type Observable } from 'rxjs'
import type { EventEnvelope } from '../protocol/index.js'
import { threadReducer } from './thread-reducer.js'
import { initialThreadState, type ThreadState, type ThreadStateAction } from './thread-state.js'
import type { Sender } from './types.js'

/** One thread's state, changed only by `threadReducer`, and the stream of events it accepted. */
export interface ThreadStore {
  /** The current state. */
  readonly value: ThreadState
  readonly state$: Observable<ThreadState>
  /** Envelopes the reducer accepted (no duplicates, no older ids). */
  readonly events$: Observable<EventEnvelope>
  dispatch(action: ThreadStateAction): void
  /** Folds an envelope from the stream in, and emits it on `events$` only when the reducer took it. */
  receive(envelope: EventEnvelope): void
}

/**
 * Creates the store of one thread: a `BehaviorSubject` over `threadReducer`, so every view is derived from one
 * immutable state and a no-op action emits nothing.
 *
 * @example
 * const store = createThreadStore('t1', 'visitor')
 * store.dispatch({ type: 'outbox/changed', count: 1 })
 * store.value.queued // 1
 */
export function createThreadStore(threadId: string, self: Sender): ThreadStore {
  const state$ = new BehaviorSubject<ThreadState>(initialThreadState(threadId, self))
  const events$ = new Subject<EventEnvelope>()
  const dispatch = (action: ThreadStateAction) => {
    const next = threadReducer(state$.value, action)
    if (next !== state$.value) state$.next(next)
  }
  return {
    get value() {
      return state$.value
    },
    state$: state$.asObservable(),
    events$: events$.asObservable(),
    dispatch,
    receive(envelope) {
      const before = state$.value.lastEventId
      dispatch({ type: 'envelope/received', envelope })
      if (state$.value.lastEventId !== before) events$.next(envelope)
    },
  }
}
