import { BehaviorSubject, Subject, type Observable } from 'rxjs'
import type { EventEnvelope } from '../protocol/index.js'
import { acceptsEnvelope, threadReducer } from './thread-reducer.js'
import { initialThreadState, type ThreadState, type ThreadStateAction } from './thread-state.js'
import type { Sender } from './types.js'

/** One thread's state, changed only by `threadReducer`, and the stream of events it accepted. */
export interface ThreadStore {
  /** The current state, with every envelope received so far folded in. */
  readonly value: ThreadState
  readonly state$: Observable<ThreadState>
  /** Envelopes the reducer accepted (no duplicates, no older ids), in order. */
  readonly events$: Observable<EventEnvelope>
  /** Applies an action, after any envelopes still waiting to be folded. */
  dispatch(action: ThreadStateAction): void
  /**
   * Folds an envelope from the stream in, and emits it on `events$` only when the reducer took it. Envelopes that
   * arrive in one task (a resume replay, a history page, a busy thread) are folded together in one
   * `envelopes/received` at the end of that task (a microtask), so `state$` emits once per burst; `value` and
   * `dispatch` fold what is waiting first, so nothing reads a state without it or reorders an action before it.
   */
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
  let waiting: EventEnvelope[] = []
  const apply = (action: ThreadStateAction) => {
    const next = threadReducer(state$.value, action)
    if (next !== state$.value) state$.next(next)
  }
  const flush = () => {
    if (waiting.length === 0) return
    const envelopes = waiting
    waiting = []
    // The envelopes the reducer will take, by the rule it applies, so `events$` names exactly those.
    const before = state$.value
    let lastEventId = before.lastEventId
    const accepted: EventEnvelope[] = []
    for (const envelope of envelopes) {
      if (!acceptsEnvelope(before.threadId, lastEventId, envelope)) continue
      lastEventId = envelope.id
      accepted.push(envelope)
    }
    if (accepted.length === 0) return
    apply({ type: 'envelopes/received', envelopes: accepted })
    for (const envelope of accepted) events$.next(envelope)
  }
  return {
    get value() {
      flush()
      return state$.value
    },
    state$: state$.asObservable(),
    events$: events$.asObservable(),
    dispatch(action) {
      flush()
      apply(action)
    },
    receive(envelope) {
      waiting.push(envelope)
      if (waiting.length === 1) queueMicrotask(flush)
    },
  }
}
