import type { IncomingMessage } from './to-chat-messages.js'
import type { ChatMessage, SendState } from './types.js'

/** How far apart an own message and its history copy may be stamped and still be one message. */
const HISTORY_MATCH_WINDOW_MS = 10 * 60_000

const RANK: Record<SendState, number> = { failed: -1, pending: 0, sent: 1, delivered: 2 }

interface MergeInput {
  readonly messages: readonly ChatMessage[]
  readonly aliases: Readonly<Record<string, string>>
  readonly localTime: Readonly<Record<string, true>>
}

/** What a message shows, to recognise a visitor's send in history, where it carries a different id. */
function contentKey(message: ChatMessage): string {
  return message.templates
    .map((t) => {
      if (t.type === 'text') return `text:${t.payload.text}`
      if (t.type === 'other') return `${t.originalType}:${message.fallback ?? ''}`
      return `${t.type}:${JSON.stringify(t.payload)}`
    })
    .join('|')
}

const isPlaceholder = (m: ChatMessage) =>
  m.templates.some(
    (t) => t.type !== 'text' && t.type !== 'other' && 'url' in t.payload && t.payload.url === '',
  )

function better(a: SendState | undefined, b: SendState | undefined): SendState | undefined {
  if (a === undefined) return b
  if (b === undefined) return a
  return RANK[b] > RANK[a] ? b : a
}

function combine(existing: ChatMessage, incoming: ChatMessage, adoptTime: boolean): ChatMessage {
  const state = better(existing.state, incoming.state)
  const { error: _error, progress: _progress, ...rest } = existing
  return {
    ...rest,
    senderName: existing.senderName ?? incoming.senderName,
    avatarUrl: existing.avatarUrl ?? incoming.avatarUrl,
    createdAt: adoptTime ? incoming.createdAt : existing.createdAt,
    templates:
      existing.templates.length > 0 && !isPlaceholder(existing) ? existing.templates : incoming.templates,
    fallback: existing.fallback ?? incoming.fallback,
    traceId: existing.traceId ?? incoming.traceId,
    ...(state === undefined ? {} : { state }),
    ...(state === 'failed' && existing.error !== undefined ? { error: existing.error } : {}),
    ...(state === 'pending' && existing.progress !== undefined ? { progress: existing.progress } : {}),
  }
}

const strip = (m: ChatMessage): ChatMessage =>
  Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)) as unknown as ChatMessage

/**
 * Merges messages into a thread's list without duplicates: by id, by alias (an id already merged), as the echo
 * of an own send (same traceId), or, for a history copy of an own send (which has another id), by content
 * and time. Returns the sorted list and the updated alias and local-time maps. Pure.
 *
 * @example
 * const next = mergeMessages(state, messagesFromHistory(page, 'visitor'))
 */
export function mergeMessages<S extends MergeInput>(state: S, incoming: readonly IncomingMessage[]): S {
  if (incoming.length === 0) return state
  const list = [...state.messages]
  const aliases = { ...state.aliases }
  const localTime = { ...state.localTime }
  const linked = new Set(Object.values(aliases))
  for (const { message, echoOf, fromHistory } of incoming) {
    const target = aliases[message.id] ?? message.id
    let index = list.findIndex((m) => m.id === target)
    if (index < 0 && echoOf !== undefined) index = list.findIndex((m) => m.id === echoOf)
    if (index < 0 && fromHistory && message.own) index = historyTwin(list, message, linked)
    if (index < 0) {
      list.push(strip(message))
      continue
    }
    const existing = list[index] as ChatMessage
    if (existing.id !== message.id) {
      aliases[message.id] = existing.id
      linked.add(existing.id)
    }
    const adoptTime = localTime[existing.id] === true
    delete localTime[existing.id]
    list[index] = strip(combine(existing, message, adoptTime))
  }
  answersAfterQuestions(list)
  // Same millisecond: the person spoke first (Flow.ai stamps a question and its answer alike); else arrival order.
  list.sort((a, b) => a.createdAt - b.createdAt || Number(a.sender === 'bot') - Number(b.sender === 'bot'))
  return { ...state, messages: list, aliases, localTime }
}

/**
 * A bot answer carries the traceId of the message it answers. The relay stamps the visitor's message and
 * Flow.ai stamps the answer, on different clocks (and the relay only after Flow.ai acked), so an answer can
 * look older than its question: place it just after.
 */
function answersAfterQuestions(list: ChatMessage[]): void {
  const asked = new Map<string, number>()
  for (const m of list) if (m.sender !== 'bot' && m.traceId !== undefined) asked.set(m.traceId, m.createdAt)
  for (const [i, m] of list.entries()) {
    if (m.sender !== 'bot' || m.traceId === undefined) continue
    const at = asked.get(m.traceId)
    if (at !== undefined && m.createdAt <= at) list[i] = { ...m, createdAt: at + 1 }
  }
}

/** The own message a history entry is a copy of: same sender and content, not yet linked, closest in time. */
function historyTwin(
  list: readonly ChatMessage[],
  message: ChatMessage,
  linked: ReadonlySet<string>,
): number {
  const key = contentKey(message)
  let best = -1
  let bestGap = HISTORY_MATCH_WINDOW_MS
  for (const [i, m] of list.entries()) {
    if (m.sender !== message.sender || m.traceId === undefined || linked.has(m.id)) continue
    const gap = Math.abs(m.createdAt - message.createdAt)
    if (gap <= bestGap && contentKey(m) === key) {
      best = i
      bestGap = gap
    }
  }
  return best
}
