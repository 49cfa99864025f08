import type { IncomingMessage } from './to-chat-messages.js'
import { byTime, dropIndex, handOver, indexOf, undelivered, type MessageIndex } from './message-index.js'
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

// Most messages have no undefined field, and are kept as they are (no object rebuilt per message folded in).
const strip = (m: ChatMessage): ChatMessage =>
  Object.values(m).includes(undefined)
    ? (Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)) as unknown as ChatMessage)
    : m

export function mergeMessages<S extends MergeInput>(
  state: S,
  incoming: readonly IncomingMessage[],
  inPlace = false,
): S {
  if (incoming.length === 0) return state
  const index = indexOf(state.messages)
  const list = inPlace ? (state.messages as ChatMessage[]) : state.messages.slice()
  const start = list.length
  let { aliases, localTime } = state
  let linked: Set<string> | undefined
  let ordered = index.normal
  let delta = 0
  let addedFromHistory = true
  let addedUntil = -Infinity
  const added = new Map<string, number>()
  const find = (id: string) => added.get(id) ?? index.ids.get(id)
  for (const { message, echoOf, fromHistory } of incoming) {
    let at = find(aliases[message.id] ?? message.id)
    if (at === undefined && echoOf !== undefined) at = find(echoOf)
    if (at === undefined && fromHistory && message.own) {
      linked ??= new Set(Object.values(aliases))
      const twin = historyTwin(list, message, linked)
      if (twin >= 0) at = twin
    }
    if (at === undefined) {
      const next = strip(message)
      if (!fromHistory) addedFromHistory = false
      addedUntil = Math.max(addedUntil, next.createdAt)
      added.set(next.id, list.length)
      list.push(next)
      delta += undelivered(next)
      continue
    }
    const existing = list[at] as ChatMessage
    if (existing.id !== message.id) {
      aliases = { ...aliases, [message.id]: existing.id }
      linked?.add(existing.id)
    }
    const adoptTime = localTime[existing.id] === true
    if (adoptTime) {
      const { [existing.id]: _adopted, ...rest } = localTime
      localTime = rest
    }
    const next = strip(combine(existing, message, adoptTime))
    if (next.createdAt !== existing.createdAt || next.traceId !== existing.traceId) ordered = false
    list[at] = next
    delta += undelivered(next) - undelivered(existing)
  }
  // A page of older history goes before what is there, so in a millisecond that both share (the page's
  // last messages, the list's first), the older page's messages stay first when the stable sort compares them.
  const first = list[0]
  const olderPage =
    added.size > 0 && addedFromHistory && start > 0 && first !== undefined && addedUntil <= first.createdAt
  if (ordered) ordered = !olderPage && appendedInOrder(list, start, index)
  if (ordered) {
    for (const [id, at] of added) index.ids.set(id, at)
    index.undelivered += delta
    if (list !== state.messages) handOver(state.messages, list, index)
  } else {
    if (inPlace) dropIndex(list)
    if (olderPage) list.unshift(...list.splice(start))
    answersAfterQuestions(list)
    list.sort(byTime)
  }
  return { ...state, messages: list, aliases, localTime }
}

/**
 * For a list whose first `start` messages are in order with answers after questions: places the appended
 * answers after their questions, and tells whether the whole list is then in order (what sorting would give),
 * recording the appended traceIds in the index if so.
 */
function appendedInOrder(list: ChatMessage[], start: number, index: MessageIndex): boolean {
  const asked = new Map<string, number>()
  const botTraces = new Set<string>()
  for (let i = start; i < list.length; i++) {
    const m = list[i] as ChatMessage
    if (m.traceId === undefined) continue
    if (m.sender === 'bot') botTraces.add(m.traceId)
    // A question after its answer moves the answer: leave that to the full pass.
    else if (botTraces.has(m.traceId) || index.botTraces.has(m.traceId)) return false
    else asked.set(m.traceId, m.createdAt)
  }
  for (let i = start; i < list.length; i++) {
    const m = list[i] as ChatMessage
    const question =
      m.sender === 'bot' && m.traceId !== undefined
        ? (asked.get(m.traceId) ?? index.asked.get(m.traceId))
        : undefined
    if (question !== undefined && m.createdAt <= question) list[i] = { ...m, createdAt: question + 1 }
    if (i > 0 && byTime(list[i - 1] as ChatMessage, list[i] as ChatMessage) > 0) return false
  }
  for (const [trace, at] of asked) index.asked.set(trace, at)
  for (const trace of botTraces) index.botTraces.add(trace)
  return true
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
