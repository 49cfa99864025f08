import type { EventEnvelope } from '../protocol/index.js'
import type { HistoryPage } from '../schemas/responses.js'
import type { BotStatus, ChatMessage, Connection, Sender } from './types.js'

/** Everything known about one thread. Immutable: only `threadReducer` makes a new one. */
export interface ThreadState {
  readonly threadId: string
  /** Whose messages are `own`: the visitor for a thread session, an agent for an operator session. */
  readonly self: Sender
  /** Oldest first; ties keep arrival order. */
  readonly messages: readonly ChatMessage[]
  /** Other ids a message is known by (a history `msgId`) → the id it merged into. */
  readonly aliases: Readonly<Record<string, string>>
  /** Ids of optimistic messages still carrying this device's clock instead of the relay's. */
  readonly localTime: Readonly<Record<string, true>>
  readonly connection: Connection
  readonly botStatus: BotStatus
  /** The newest event applied; older or equal ids are duplicates. Cleared by a stream reset. */
  readonly lastEventId: string | undefined
  /** Highest history page loaded (page 1 is the newest); 0 before the first. */
  readonly pagesLoaded: number
  /** Number of history pages, once a page said so. */
  readonly pages: number | undefined
  /** Own messages waiting in the outbox. */
  readonly queued: number
}

/** Everything that can happen to a thread. */
export type ThreadStateAction =
  /** A history page arrived (page 1 after a reset or on open, older ones from `loadOlder`). */
  | {
      type: 'history/loaded'
      page: HistoryPage
      pageNumber: number
      /** Unused: a history entry has its own times (kept so that actions built with it still type-check). */
      receivedAt?: number
    }
  /** An event arrived on the stream (duplicates and older ids are ignored). */
  | { type: 'envelope/received'; envelope: EventEnvelope }
  /**
   * Many events at once (a replay after a reconnect, a burst): the same state as one `envelope/received` each,
   * for one copy of the message list instead of one per event.
   */
  | { type: 'envelopes/received'; envelopes: readonly EventEnvelope[] }
  /** The relay could not resume: its log no longer has our last id. History is refetched next. */
  | { type: 'stream/reset' }
  /** An own message was written: optimistic, `pending`. */
  | { type: 'send/queued'; message: ChatMessage }
  /** A queued or failed send goes out (again). */
  | { type: 'send/started'; traceId: string }
  | { type: 'send/progress'; traceId: string; progress: number }
  /** The relay answered 202: Flow.ai has it. */
  | { type: 'send/accepted'; traceId: string }
  | { type: 'send/failed'; traceId: string; error: string }
  | { type: 'outbox/changed'; count: number }
  | { type: 'connection/changed'; connection: Connection }
  /** Forget everything (a new session). */
  | { type: 'reset' }

/**
 * A thread before anything happened.
 *
 * @example
 * const state = initialThreadState('t1', 'visitor')
 */
export function initialThreadState(threadId: string, self: Sender): ThreadState {
  return {
    threadId,
    self,
    messages: [],
    aliases: {},
    localTime: {},
    connection: { state: 'idle' },
    botStatus: { state: 'active' },
    lastEventId: undefined,
    pagesLoaded: 0,
    pages: undefined,
    queued: 0,
  }
}
