// The order of these imports is the order of the visitor client's modules in the widget's single file
// (packages/widget/dist/flow-chat.js), which gzip reads with a 32 KB window: measured, not alphabetical (-38 B).
import { timerScheduler } from './timer-scheduler.js'
import { BehaviorSubject, type SchedulerLike } from 'rxjs'
import { FlowError } from '../errors.js'
import type { StreamAuth } from './event-stream.js'
import { readSession } from './relay-readers.js'
import { defaultStorage, readJson } from './memory-storage.js'
import { outboxKey } from './outbox.js'
import { defaultOnline$ } from './online.js'
import { newTraceId } from './message-id.js'
import { loadBusinessHours } from './visitor-routes.js'
import { callRoute } from './relay-call.js'
import { createSessionManager, type SessionManager } from './session-manager.js'
import { createRelayHttp, type RelayHttp } from './relay-http.js'
import { shareStreamAcrossTabs, type TabLocks } from './tab-stream.js'
import { createThreadHandle, type ThreadContext, type ThreadHandleInternal } from './thread-handle.js'
import { FetchEventSource } from './fetch-event-source.js'
import type { EventSourceConstructor, FlowChat, FlowChatOptions, KeyValueStorage, Sender } from './types.js'

/**
 * Creates the reactive client of a flowchat relay: per-thread streams of messages, events, connection and bot
 * status, sends with delivery state and an outbox. For every thread at once (operators) use `createOperatorChat`,
 * which adds to this client; a visitor's bundle then carries none of it. Works in browsers (localStorage,
 * online/offline events) and in Node alike: streams are read over `fetch` with the token in the `Authorization`
 * header. An `EventSource` may still be passed (the `eventsource` package, or the browser's own, which then gets
 * the token as `?access_token=`).
 *
 * @example
 * const chat = createFlowChat({ relayUrl: 'http://localhost:8080' })
 * const { threadId } = await chat.session()
 * const thread = chat.thread(threadId)
 * thread.messages$.subscribe((messages) => console.log(messages.length))
 * thread.send({ type: 'text', text: 'Hello' })
 */
export function createFlowChat(options: FlowChatOptions): FlowChat {
  return createClient(options, 'visitor', (context) =>
    createSessionManager({
      ...context,
      session: options.session ?? { anonymous: true },
      visitorName: options.visitor?.name,
    }),
  ).chat
}

/** The options of either client, without the session, which each side makes itself. */
export type ClientOptions = Omit<FlowChatOptions, 'session'>

/** What a session is made with, and what the operator add-on builds on: the client's transport and state. */
export interface SessionContext {
  http: RelayHttp
  /** Where a visitor's session persists, under `storageKey`. */
  storage: KeyValueStorage
  storageKey: string
  scheduler: SchedulerLike
  fetch: typeof fetch
  EventSource: EventSourceConstructor
  auth: StreamAuth
  online: BehaviorSubject<boolean>
}

/** The client's parts, for `createOperatorChat`. */
export interface ClientParts extends SessionContext {
  session: SessionManager
}

/**
 * The client and its parts: `createFlowChat`'s with a visitor's session, `createOperatorChat`'s with an
 * operator's (`self` is the side whose messages are `own`).
 */
export function createClient(
  options: ClientOptions,
  self: Sender,
  createSession: (context: SessionContext) => SessionManager,
  /** Where a thread's stream signals come from; default: its own stream, shared by the tabs of a browser. */
  signalsOf?: (threadId: string) => ThreadContext['signals'],
): { chat: FlowChat; parts: ClientParts } {
  // No options at all names relayUrl too. Only http(s): 'localhost:8788' parses as a URL of scheme 'localhost:',
  // which fetch refuses on every call as a network failure.
  const given = (options as Partial<ClientOptions> | undefined)?.relayUrl
  let relayUrl = ''
  try {
    relayUrl = new URL(given!).href.replace(/\/+$/, '')
  } catch {
    // Not a URL: refused below.
  }
  if (!/^https?:/.test(relayUrl)) {
    throw new FlowError(
      'invalid_input',
      `relayUrl: must be an absolute http(s) URL, got "${String(given)}".`,
      {
        path: 'relayUrl',
      },
    )
  }
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis)
  const nativeEventSource = (globalThis as { EventSource?: FlowChatOptions['EventSource'] }).EventSource
  // Core's own reader over fetch by default: the token goes in a header and a 401 is seen as a 401.
  const EventSourceImpl = options.EventSource ?? (FetchEventSource as unknown as EventSourceConstructor)
  const auth =
    options.eventSourceAuth ??
    (options.EventSource && options.EventSource === nativeEventSource ? 'query' : 'header')
  const storage = options.storage ?? defaultStorage()
  const share = tabSharing(options, storage)
  signalsOf ??= (threadId) => share?.(`flowchat:stream:${relayUrl}:${threadId}`)
  const scheduler = options.scheduler ?? timerScheduler
  const owner = newTraceId()
  const storageKey = `flowchat:session:${relayUrl}`
  let closed = false

  // The session is made below; the relay asks for its token only when called.
  const http = createRelayHttp({ relayUrl, fetch: fetchImpl, token: () => session.token() })
  const online = new BehaviorSubject(true)
  const context: SessionContext = {
    http,
    storage,
    storageKey,
    scheduler,
    fetch: fetchImpl,
    EventSource: EventSourceImpl,
    auth,
    online,
  }
  const session = createSession(context)

  const handles = new Map<string, ThreadHandleInternal>()
  const onlineSub = (options.online$ ?? defaultOnline$()).subscribe((up) => {
    const was = online.value
    online.next(up)
    if (up && !was) for (const handle of handles.values()) handle.flush()
  })

  const chat: FlowChat = {
    async session() {
      const ready = await session.ready()
      return { threadId: ready.threadId ?? '' }
    },
    thread(threadId) {
      if (typeof threadId !== 'string' || threadId.length === 0) {
        throw new FlowError('invalid_input', 'threadId: must be a non-empty string.', {
          path: 'threadId',
        })
      }
      let handle = handles.get(threadId)
      if (!handle) {
        handle = createThreadHandle({
          ...context,
          threadId,
          self,
          session,
          owner,
          visitor: options.visitor,
          backoff: options.backoff,
          signals: signalsOf(threadId),
        })
        handles.set(threadId, handle)
        if (closed) handle.close()
      }
      return handle
    },
    async opening() {
      await session.ready()
      return callRoute(http, loadBusinessHours, {})
    },
    async businessHours() {
      return (await chat.opening()).businessHours
    },
    reset() {
      const stored = readSession(readJson(storage, storageKey))
      const threads = new Set(handles.keys())
      if (stored) threads.add(stored.threadId)
      const ready = session.status$.value
      if (ready.state === 'ready' && ready.threadId !== undefined) threads.add(ready.threadId)
      chat.close()
      for (const threadId of threads) storage.removeItem(outboxKey(threadId))
      if (self === 'visitor') storage.removeItem(storageKey)
    },
    close() {
      if (closed) return
      closed = true
      for (const handle of handles.values()) handle.close()
      handles.clear()
      onlineSub.unsubscribe()
      session.close()
    },
  }
  return { chat, parts: { ...context, session } }
}

/**
 * How the tabs of one browser share a thread's stream, or undefined for one stream per client: tabs that share
 * the default storage (localStorage) share streams, where the Web Locks API and `BroadcastChannel` exist.
 */
function tabSharing(options: FlowChatOptions, storage: KeyValueStorage) {
  const g = globalThis as { navigator?: { locks?: TabLocks }; BroadcastChannel?: typeof BroadcastChannel }
  const locks = g.navigator?.locks
  const Channel = g.BroadcastChannel
  if (options.storage || storage !== (globalThis as { localStorage?: unknown }).localStorage) return undefined
  if (!locks || !Channel) return undefined
  return (name: string) => shareStreamAcrossTabs({ name, locks, channel: (n) => new Channel(n) })
}
