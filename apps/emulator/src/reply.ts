import { randomUUID } from 'node:crypto'
import type { HistoryEntry, Originator, Reply, ReplyMessage, Response } from '@flowchat/core/schemas'

/**
 * One reply message around one template, the way Flow.ai shapes it: `fallback` text, `replyTo`, empty
 * `intents`/`contexts`/`params`, and `meta {msgId, createdAt (epoch ms)}`; `msgId` is the message's identity.
 *
 * @example
 * createReplyMessage({ type: 'text', payload: { text: 'Hi' } }, 'hello').fallback // 'Hi'
 */
export function createReplyMessage(
  response: Response,
  replyTo: string | null,
  now = Date.now(),
): ReplyMessage {
  return {
    fallback: fallbackOf(response),
    replyTo,
    intents: [],
    contexts: [],
    params: {},
    createdAt: new Date(now).toISOString(),
    responses: [response],
    meta: { msgId: randomUUID(), createdAt: now },
  }
}

/**
 * A `message` webhook payload (and sync send answer): who spoke, in which thread, and the messages.
 *
 * @example
 * createReply({ threadId: 't1', traceId: '1', originator: BOT, messages: [] }).channelName // 'rest'
 */
export function createReply(input: {
  threadId: string
  traceId: string
  originator: Originator
  messages: ReplyMessage[]
  now?: number
}): Reply & { threadId: string; traceId: string } {
  const now = input.now ?? Date.now()
  return {
    threadId: input.threadId,
    traceId: input.traceId,
    channelName: 'rest',
    originator: input.originator,
    createdAt: new Date(now).toISOString(),
    messages: input.messages,
  }
}

/** A history entry: an originator and what it said in one turn. */
export function createHistoryEntry(originator: Originator, messages: ReplyMessage[]): HistoryEntry {
  return { originator, messages }
}

/**
 * Plain text that stands for a template when a UI cannot render it: the response's own `fallback` when it has
 * one (on the response or in its payload), else text derived from the payload. An unknown type without any
 * such text gives an empty fallback rather than its type name, which means nothing to a visitor.
 *
 * @example
 * fallbackOf({ type: 'webview', payload: { url: 'https://x' }, fallback: 'Open the form' }) // 'Open the form'
 */
export function fallbackOf(response: Response): string {
  const p = (response.payload ?? {}) as Record<string, unknown>
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined)
  const own = str((response as { fallback?: unknown }).fallback) ?? str(p.fallback)
  if (own) return own
  const titles = (list: unknown) =>
    Array.isArray(list)
      ? list
          .map((x) => str((x as Record<string, unknown>)?.title))
          .filter(Boolean)
          .join(', ')
      : ''
  switch (response.type) {
    case 'text':
      return str(p.text) ?? ''
    case 'image':
    case 'video':
    case 'audio':
    case 'file':
      return str(p.title) ?? str(p.url) ?? response.type
    case 'location':
      return str(p.title) ?? `${String(p.lat)}, ${String(p.long)}`
    case 'card':
    case 'buttons':
      return str(p.title) ?? response.type
    case 'carousel':
      return titles(p.cards) || 'carousel'
    case 'list':
      return titles(p.items) || 'list'
    case 'event':
      return str(p.eventName) ?? response.type
    default:
      return str(p.text) ?? str(p.title) ?? ''
  }
}
