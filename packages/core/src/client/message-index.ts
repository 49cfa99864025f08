import type { ChatMessage } from './types.js'

/**
 * What `mergeMessages` and the reducer look up in a thread's message list, built once per list and handed on
 * to the list that replaces it, so an event costs the same however long the conversation is. Its fields start
 * with `_` (internal, never serialised): the widget's single-file build renames them.
 */
export interface MessageIndex {
  /** Id → position (the first, as `findIndex` would find). */
  readonly _ids: Map<string, number>
  /** TraceIds carried by bot messages. */
  readonly _botTraces: Set<string>
  /** TraceId → `createdAt` of the last message in list order not from the bot that carries it. */
  readonly _asked: Map<string, number>
  /** Own messages pending, sent or failed: what `markDelivered` may change. */
  _undelivered: number
  /** The list is sorted and every answer already follows its question: appending keeps the merge's result. */
  readonly _normal: boolean
}

const indexes = new WeakMap<readonly ChatMessage[], MessageIndex>()

/** Ordering of a thread: by time; in the same millisecond the person spoke first, else arrival order. */
export const byTime = (a: ChatMessage, b: ChatMessage): number =>
  a.createdAt - b.createdAt || +(a.sender === 'bot') - +(b.sender === 'bot')

/** 1 when `markDelivered` may change the message. */
export const undelivered = (m: ChatMessage): number =>
  m.own && m.state !== undefined && m.state !== 'delivered' ? 1 : 0

/** The index of `list`, built in one pass the first time. */
export function indexOf(list: readonly ChatMessage[]): MessageIndex {
  const cached = indexes.get(list)
  if (cached) return cached
  const ids = new Map<string, number>()
  const botTraces = new Set<string>()
  const asked = new Map<string, number>()
  let count = 0
  let normal = true
  for (const [i, m] of list.entries()) {
    if (!ids.has(m.id)) ids.set(m.id, i)
    noteTrace(m, botTraces, asked)
    count += undelivered(m)
    const previous = list[i - 1]
    if (previous !== undefined && byTime(previous, m) > 0) normal = false
  }
  const index: MessageIndex = {
    _ids: ids,
    _botTraces: botTraces,
    _asked: asked,
    _undelivered: count,
    _normal: normal && answersFollow(list, asked),
  }
  indexes.set(list, index)
  return index
}

/** Notes the traceId of a message in the traceIds answered (a bot's message) or asked (anyone else's). */
export function noteTrace(m: ChatMessage, botTraces?: Set<string>, asked?: Map<string, number>): void {
  if (m.traceId === undefined) return
  if (m.sender === 'bot') botTraces?.add(m.traceId)
  else asked?.set(m.traceId, m.createdAt)
}

/**
 * Whether every bot answer in `list` (from `from`) comes after its question (`asked`, or first `askedBefore`:
 * traceId → when it was asked). The relay stamps the visitor's message and Flow.ai stamps the answer, on
 * different clocks (and the relay only after Flow.ai acked), so an answer can look older than its question: with
 * `place`, each such answer is placed just after its question instead (in `list`, which the caller owns).
 */
export function answersFollow(
  list: readonly ChatMessage[],
  asked: ReadonlyMap<string, number>,
  place?: boolean,
  askedBefore?: ReadonlyMap<string, number>,
  from = 0,
): boolean {
  let follow = true
  for (let i = from; i < list.length; i++) {
    const m = list[i] as ChatMessage
    const at =
      m.sender === 'bot' && m.traceId !== undefined
        ? (askedBefore?.get(m.traceId) ?? asked.get(m.traceId))
        : undefined
    if (at === undefined || m.createdAt > at) continue
    if (!place) return false
    follow = false
    const placed: ChatMessage[] = list as ChatMessage[]
    placed[i] = { ...m, createdAt: at + 1 }
  }
  return follow
}

/**
 * Forgets the index of a list that was changed in place (one the reducer made during the same action, that
 * nobody else has seen).
 */
export function dropIndex(list: readonly ChatMessage[]): void {
  indexes.delete(list)
}

/**
 * Moves the index of `from` to `to`, a list with the same messages in the same places except for changes the
 * caller already applied to the index. `from` is rebuilt if it is read again.
 */
export function handOver(
  from: readonly ChatMessage[],
  to: readonly ChatMessage[],
  index: MessageIndex,
): void {
  indexes.delete(from)
  indexes.set(to, index)
}
