import type { EventEnvelope } from '../protocol/index.js'
import { mergeMessages } from './merge-messages.js'
import { readThreadEvent, type ThreadEvent } from './read-thread-event.js'
import { handOver, indexOf, undelivered } from './message-index.js'
import { compareEventIds } from './message-id.js'
import type { ThreadStateAction, ThreadState } from './thread-state.js'
import { initialThreadState } from './thread-state.js'
import { messageFromSent, messagesFromHistory, messagesFromReply, toEpochMs } from './to-chat-messages.js'
import type { BotStatus, ChatMessage } from './types.js'

/**
 * The only place a thread's state changes. Pure: the same state and action always give the same state, and an
 * action that changes nothing returns the same object (so views can skip it).
 *
 * @example
 * let state = initialThreadState('t1', 'visitor')
 * state = threadReducer(state, { type: 'envelope/received', envelope })
 */
export function threadReducer(state: ThreadState, action: ThreadStateAction): ThreadState {
  switch (action.type) {
    case 'history/loaded': {
      const merged = mergeMessages(state, messagesFromHistory(action.page, state.self))
      return {
        ...merged,
        pagesLoaded: Math.max(state.pagesLoaded, action.pageNumber),
        pages: action.page.pages ?? state.pages ?? action.pageNumber,
      }
    }
    case 'envelope/received':
      return receive(state, action.envelope)
    case 'envelopes/received': {
      let next = state
      // A state and list made during this action are seen by nobody else: later events change them in place.
      for (const envelope of action.envelopes)
        next = receive(next, envelope, next.messages !== state.messages)
      return next
    }
    case 'stream/reset':
      return state.lastEventId === undefined ? state : { ...state, lastEventId: undefined }
    case 'send/queued': {
      if (indexOf(state.messages)._ids.has(action.message.id)) return state
      const next = mergeMessages(state, [{ message: action.message }])
      return { ...next, localTime: { ...next.localTime, [action.message.id]: true } }
    }
    case 'send/started':
    case 'send/accepted':
      return update(state, action.traceId, (m) =>
        m.state === 'pending' || m.state === 'failed'
          ? withoutError({ ...m, state: action.type === 'send/started' ? 'pending' : 'sent' })
          : m,
      )
    case 'send/progress':
      return update(state, action.traceId, (m) =>
        m.state === 'pending' ? { ...m, progress: Math.min(1, Math.max(0, action.progress)) } : m,
      )
    case 'send/failed':
      return update(state, action.traceId, (m) =>
        m.state === 'pending' || m.state === 'failed' ? { ...m, state: 'failed', error: action.error } : m,
      )
    case 'outbox/changed':
      return state.queued === action.count ? state : { ...state, queued: action.count }
    case 'connection/changed':
      return JSON.stringify(state.connection) === JSON.stringify(action.connection)
        ? state
        : { ...state, connection: action.connection }
    case 'reset':
      return initialThreadState(state.threadId, state.self)
  }
}

/**
 * Whether the reducer takes an envelope: one of this thread (or of no thread) with an id after the last one taken.
 *
 * @example
 * acceptsEnvelope('t1', '1767225600000-0', envelope) // false for a replayed duplicate
 */
export function acceptsEnvelope(
  threadId: string,
  lastEventId: string | undefined,
  envelope: EventEnvelope,
): boolean {
  if (envelope.threadId !== null && envelope.threadId !== threadId) return false
  return lastEventId === undefined || compareEventIds(envelope.id, lastEventId) > 0
}

/** The state with the envelope taken; `inPlace`: the state and its list were made during the same action. */
function receive(state: ThreadState, envelope: EventEnvelope, inPlace = false): ThreadState {
  if (!acceptsEnvelope(state.threadId, state.lastEventId, envelope)) return state
  const next: { -readonly [K in keyof ThreadState]: ThreadState[K] } = inPlace ? state : { ...state }
  next.lastEventId = envelope.id
  const receivedAt = toEpochMs(envelope.receivedAt) ?? 0
  if (envelope.kind === 'sent') {
    const sent = messageFromSent(envelope, state.self)
    return sent ? mergeMessages(next, [sent], inPlace) : next
  }
  if (envelope.source !== 'webhook') return next
  const event = readThreadEvent(envelope.body, envelope.kind)
  return event ? applyEvent(next, event, receivedAt, inPlace) : next
}

function applyEvent(
  state: ThreadState,
  event: ThreadEvent,
  receivedAt: number,
  inPlace: boolean,
): ThreadState {
  switch (event.kind) {
    case 'reply':
    case 'inbound':
    case 'outbound': {
      const incoming = messagesFromReply(event.data, receivedAt, state.self)
      const merged = mergeMessages(state, incoming, inPlace)
      let fromBot = event.data.originator === undefined
      let answeredAt = receivedAt
      for (const { message } of incoming) {
        if (message.sender === 'bot') fromBot = true
        answeredAt = Math.max(answeredAt, message.createdAt)
      }
      // A bot answer means Flow.ai got the message it answers, and everything sent before it.
      return fromBot ? markDelivered(merged, event.traceId, answeredAt) : merged
    }
    case 'delivered':
      return event.traceId === undefined ? state : markDelivered(state, event.traceId)
    case 'paused':
    case 'handover':
    case 'takeover': {
      const seconds = event.secondsToPause
      return withBotStatus(state, {
        state: event.kind === 'paused' ? 'paused' : 'handover',
        ...(seconds === undefined ? {} : { until: receivedAt + seconds * 1000 }),
      })
    }
    case 'resumed':
    case 'botStatus':
      return withBotStatus(state, { state: 'isPaused' in event && event.isPaused ? 'paused' : 'active' })
    default:
      return state
  }
}

function withBotStatus(state: ThreadState, botStatus: BotStatus): ThreadState {
  const same =
    state.botStatus.state === botStatus.state &&
    (state.botStatus as { until?: number }).until === (botStatus as { until?: number }).until
  return same ? state : { ...state, botStatus }
}

/**
 * Marks delivered the own message `traceId` names and every one `sent` by `sentUntil`. Takes no predicate: a
 * closure over the event would be made for every answer, though most find nothing undelivered.
 */
function markDelivered(state: ThreadState, traceId?: string, sentUntil = -Infinity): ThreadState {
  return indexOf(state.messages)._undelivered === 0
    ? state
    : change(state, (m) =>
        undelivered(m) > 0 && (m.id === traceId || (m.state === 'sent' && m.createdAt <= sentUntil))
          ? withoutError({ ...m, state: 'delivered' })
          : m,
      )
}

/** Changes the message of an id (the first, as the index knows it). */
function update(state: ThreadState, id: string, step: (m: ChatMessage) => ChatMessage): ThreadState {
  const at = indexOf(state.messages)._ids.get(id)
  return change(state, (m, i) => (i === at ? step(m) : m))
}

/** The state with each message as `step` gives it back: the same state when it gives back every one as it was. */
function change(state: ThreadState, step: (m: ChatMessage, i: number) => ChatMessage): ThreadState {
  const index = indexOf(state.messages)
  let changed = false
  const messages = state.messages.map((m, i) => {
    const next = step(m, i)
    if (next === m) return m
    changed = true
    index._undelivered += undelivered(next) - undelivered(m)
    return next
  })
  if (!changed) return state
  handOver(state.messages, messages, index)
  return { ...state, messages }
}

function withoutError(m: ChatMessage): ChatMessage {
  const { error: _error, progress: _progress, ...rest } = m
  return m.state === 'pending' && m.progress !== undefined ? { ...rest, progress: m.progress } : rest
}
