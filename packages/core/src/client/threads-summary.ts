import type { EventEnvelope } from '../protocol/index.js'
import { parseWebhookEvent } from '../schemas/webhook.js'
import { messageFromSent, messagesFromReply, toEpochMs } from './to-chat-messages.js'
import type { BotStatus, ThreadSummary } from './types.js'

/** The operator's list of threads, keyed by id. */
export type ThreadsState = Readonly<Record<string, ThreadSummary>>

export type ThreadsAction =
  /** Thread ids from `GET /v1/threads` (most recently active first). */
  | { type: 'threads/listed'; threadIds: readonly string[]; at: number }
  | { type: 'envelope/received'; envelope: EventEnvelope }
  | { type: 'thread/read'; threadId: string }

const statusOf = (kind: string, secondsToPause: number | undefined, at: number): BotStatus | undefined => {
  const until = secondsToPause === undefined ? {} : { until: at + secondsToPause * 1000 }
  if (kind === 'paused') return { state: 'paused', ...until }
  if (kind === 'handover' || kind === 'takeover') return { state: 'handover', ...until }
  if (kind === 'resumed') return { state: 'active' }
  return undefined
}

/**
 * The operator console's thread list as a pure reducer: last message, unread count (visitor messages since
 * `thread/read`), bot status and activity time per thread.
 *
 * @example
 * const state = threadsReducer({}, { type: 'envelope/received', envelope })
 */
export function threadsReducer(state: ThreadsState, action: ThreadsAction): ThreadsState {
  switch (action.type) {
    case 'threads/listed': {
      const next = { ...state }
      action.threadIds.forEach((threadId, i) => {
        // Listed most recent first, with no times: keep that order below anything seen live.
        next[threadId] ??= { threadId, unread: 0, botStatus: { state: 'active' }, updatedAt: action.at - i }
      })
      return next
    }
    case 'thread/read': {
      const current = state[action.threadId]
      return current && current.unread !== 0
        ? { ...state, [action.threadId]: { ...current, unread: 0 } }
        : state
    }
    case 'envelope/received': {
      const { envelope } = action
      if (envelope.threadId === null) return state
      const at = toEpochMs(envelope.receivedAt) ?? 0
      const current: ThreadSummary = state[envelope.threadId] ?? {
        threadId: envelope.threadId,
        unread: 0,
        botStatus: { state: 'active' },
        updatedAt: at,
      }
      let next: ThreadSummary = { ...current, updatedAt: Math.max(current.updatedAt, at) }
      if (envelope.kind === 'sent') {
        const sent = messageFromSent(envelope, 'agent')
        if (sent) {
          next = {
            ...next,
            lastMessage: sent.message,
            unread: sent.message.sender === 'visitor' ? next.unread + 1 : next.unread,
          }
        }
      } else if (envelope.source === 'webhook') {
        const parsed = parseWebhookEvent(envelope.body)
        if (!parsed.ok) return { ...state, [envelope.threadId]: next }
        const event = parsed.value
        if (event.kind === 'reply' || event.kind === 'inbound' || event.kind === 'outbound') {
          const messages = messagesFromReply(event.data, at, 'agent')
          const last = messages.at(-1)?.message
          // An agent's reply echoes a send already counted; it only refreshes the last message.
          if (last) next = { ...next, lastMessage: last }
        } else {
          const data = event.data as { secondsToPause?: number; isPaused?: boolean }
          const status =
            event.kind === 'botStatus'
              ? ({ state: data.isPaused ? 'paused' : 'active' } as BotStatus)
              : statusOf(event.kind, data.secondsToPause, at)
          if (status) next = { ...next, botStatus: status }
        }
      }
      return { ...state, [envelope.threadId]: next }
    }
  }
}

/** The list as `threads$` shows it: most recent first. */
export function sortedThreads(state: ThreadsState): readonly ThreadSummary[] {
  return Object.values(state).sort((a, b) => b.updatedAt - a.updatedAt)
}
