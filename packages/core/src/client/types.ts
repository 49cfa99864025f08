import type { Observable, SchedulerLike } from 'rxjs'
import type { BackoffOptions } from '../retry/backoff.js'
import type { BusinessHoursAnswer, EventEnvelope } from '../protocol/index.js'
import type { MediaType, Profile, ThreadsPage, BusinessHours, Template } from '../schemas/index.js'

/** Connection of one stream. `failed` is final (bad token, thread gone); the others move on their own. */
export const ConnectionState = {
  idle: 'idle',
  connecting: 'connecting',
  open: 'open',
  reconnecting: 'reconnecting',
  offline: 'offline',
  failed: 'failed',
} as const
export type ConnectionState = (typeof ConnectionState)[keyof typeof ConnectionState]

export type Connection =
  | { state: 'idle' | 'connecting' | 'open' | 'offline' }
  /** `attempt` counts from 1; `retryInMs` is the wait before the next one. */
  | { state: 'reconnecting'; attempt: number; retryInMs: number; reason?: string }
  | { state: 'failed'; reason: string }

/** Delivery state of an own message. */
export const SendState = {
  pending: 'pending',
  sent: 'sent',
  delivered: 'delivered',
  failed: 'failed',
} as const
export type SendState = (typeof SendState)[keyof typeof SendState]

/** Who said something: the visitor, the bot, or a human agent (an originator with role `moderator`). */
export const Sender = { visitor: 'visitor', bot: 'bot', agent: 'agent' } as const
export type Sender = (typeof Sender)[keyof typeof Sender]

export interface ChatMessage {
  /** Stable across history, live events and tabs: the traceId of a send, else Flow.ai's msgId, else derived. */
  readonly id: string
  readonly sender: Sender
  readonly senderName?: string
  readonly avatarUrl?: string
  /** Epoch ms. */
  readonly createdAt: number
  /** What to render, in order. A visitor's text is one `text` template. */
  readonly templates: readonly Template[]
  /** Text to show for templates of type `other`. */
  readonly fallback?: string
  /** Sent by this session's side, from any tab: the visitor for a thread session, an agent for an operator session. */
  readonly own: boolean
  /** For own messages. */
  readonly state?: SendState
  /** Why a send failed, for `failed`. */
  readonly error?: string
  readonly traceId?: string
  /** Upload progress in [0, 1] while a file is being sent. */
  readonly progress?: number
}

/** Bot status of a thread. `until` is epoch ms when known. */
export type BotStatus =
  { state: 'active' } | { state: 'paused'; until?: number } | { state: 'handover'; until?: number }

/** What `send` takes. The originator's role comes from the token; name and profile from the session options. */
export type SendInput = (
  | { type: 'text'; text: string }
  /**
   * The transcript shows `label` (a button's or quick reply's text, 1–255 characters) when given, else the event
   * name: in this tab, in other tabs (the relay's `sent` event carries it) and after a reload (the relay puts it
   * back on the history message while it remembers the send).
   */
  | { type: 'event'; eventName: string; label?: string }
  | { type: 'location'; lat: string | number; long: string | number; title?: string }
  | { type: 'media'; mediaType: MediaType; url: string; mimeType?: string; title?: string }
  | { type: 'upload'; file: Blob; filename?: string; mediaType?: MediaType; title?: string }
) & { params?: Record<string, unknown> }

export interface ThreadHandle {
  readonly threadId: string
  /** Every decoded event of the thread, once each, in order. */
  readonly events$: Observable<EventEnvelope>
  /** The conversation: history, live replies, own sends; deduplicated, oldest first, immutable. */
  readonly messages$: Observable<readonly ChatMessage[]>
  readonly connection$: Observable<Connection>
  readonly botStatus$: Observable<BotStatus>
  /** True while the bot is expected to answer (an own message was sent and no reply arrived yet). */
  readonly awaitingReply$: Observable<boolean>
  /** Own messages waiting in the outbox (offline or failed). */
  readonly queued$: Observable<number>
  /** False once the oldest history page is loaded. */
  readonly hasOlder$: Observable<boolean>
  /**
   * Sends now, or queues in the outbox when offline; each queued send goes out exactly once. Input it cannot send
   * shows as a message `failed` with `invalid_input` naming the field, and nothing is posted.
   */
  send(input: SendInput): Observable<SendState>
  /** Loads the next older history page. */
  loadOlder(): Promise<void>
  /**
   * Sends a failed own message again (same traceId, so a retry is idempotent). An id that is no own message of
   * the thread errors at once with `invalid_input`.
   */
  retry(messageId: string): Observable<SendState>
}

/** Synchronous key-value storage (localStorage in browsers). */
export interface KeyValueStorage {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

/** The constructor of an EventSource (the browser's, or the `eventsource` package's in Node). */
export type EventSourceConstructor = new (
  url: string,
  init?: { withCredentials?: boolean; fetch?: typeof fetch },
) => EventSource

export interface FlowChatOptions {
  /** Base URL of the relay, e.g. `https://relay.example.com`. */
  relayUrl: string
  /** An existing thread and its token, or an anonymous session from the relay (kept in `storage`). Default anonymous. */
  session?: { threadId: string; token: string } | { anonymous: true }
  /** The visitor as shown to the bot and agents. */
  visitor?: { name?: string; profile?: Profile }
  fetch?: typeof fetch
  /** Default: core's own reader over `fetch` (`FetchEventSource`), in browsers and Node. */
  EventSource?: EventSourceConstructor
  /** Where the anonymous session and the outbox persist. Default localStorage when present, else memory. */
  storage?: KeyValueStorage
  scheduler?: SchedulerLike
  /** Whether the network is up. Default: the browser's online/offline events, else always true. */
  online$?: Observable<boolean>
  /**
   * How a stream sends the token: `header` (Authorization, through the `fetch` option of core's own reader or
   * of the `eventsource` package) or `query` (`?access_token=`, for the browser's native EventSource, which
   * cannot set headers). Default: `query` when the global `EventSource` is passed, else `header`.
   */
  eventSourceAuth?: 'header' | 'query'
  /** Reconnect timing (first wait, longest wait, healthy period). */
  backoff?: BackoffOptions
}

/** An active thread as the operator console lists it. */
export interface ThreadSummary {
  threadId: string
  lastMessage?: ChatMessage
  unread: number
  botStatus: BotStatus
  updatedAt: number
}

export interface OperatorApi {
  threads(page?: number): Promise<ThreadsPage>
  pause(threadId: string): Promise<void>
  resume(threadId: string): Promise<void>
  status(threadId: string): Promise<{ threadId: string; isPaused: boolean }>
  handover(threadId: string, secondsToPause?: number): Promise<void>
  takeover(threadId: string): Promise<void>
  triggerEvents(): Promise<string[]>
  trigger(threadId: string, eventName: string): Promise<void>
  /** Marks a thread's messages read in `threads$`. */
  markRead(threadId: string): void
}

/**
 * `chat.opening()`'s answer: the relay's `GET /v1/business-hours` answer. A relay older than the reading of the
 * hours on the relay answers `businessHours` alone: `open` is then missing, and whether the business is open is
 * unknown (the widget shows no closing banner, and `businessHours()` still gives the hours).
 */
export type Opening = Pick<BusinessHoursAnswer, 'businessHours' | 'nextChangeAt' | 'nextChangeInMs'> & {
  open?: boolean
}

export interface FlowChat {
  /** Resolves the session (creating an anonymous one when needed) and gives its thread id. */
  session(): Promise<{ threadId: string }>
  /** The handle of a thread; the same handle for the same id. */
  thread(threadId: string): ThreadHandle
  /** Flow.ai's business hours (cached by the relay). */
  businessHours(): Promise<BusinessHours[]>
  /**
   * The business hours with the relay's reading of them now: whether `open`, and when that next changes
   * (`nextChangeInMs` counts from the answer, so ask again after it, whatever the local clock says). An older
   * relay answers the hours alone: `open` is then missing (unknown).
   */
  opening(): Promise<Opening>
  /** Closes every stream and timer. */
  close(): void
  /**
   * Ends this client for good, for a site's logout: forgets the stored session and the outbox of every thread
   * it knew (sends still queued are dropped, not sent), then closes like `close()`. A new client starts a new
   * anonymous session.
   */
  reset(): void
}

/** `createOperatorChat`'s options: the client's, with the operator token (`POST /v1/operator/sessions`). */
export interface OperatorChatOptions extends Omit<FlowChatOptions, 'session'> {
  session: { operatorToken: string }
}

/** `createOperatorChat`: the client plus every thread at once, for an operator console. */
export interface OperatorChat extends FlowChat {
  /** Every event of every thread. */
  readonly events$: Observable<EventEnvelope>
  /** The connection of the all-threads stream (subscribing opens it, like `events$`). */
  readonly connection$: Observable<Connection>
  /** Active threads, most recent first, with last message and unread count. */
  readonly threads$: Observable<readonly ThreadSummary[]>
  readonly operator: OperatorApi
}
