import type { IncomingMessage } from './to-chat-messages.js'
import {
  answersFollow,
  byTime,
  dropIndex,
  handOver,
  indexOf,
  noteTrace,
  undelivered,
  type MessageIndex,
} from './message-index.js'
import type { ChatMessage, SendState } from './types.js'

/** How far apart an own message and its history copy may be stamped and still be one message. */
const HISTORY_MATCH_WINDOW_MS = 10 * 60_000

/** Send states from least to most advanced: a merge keeps the more advanced one (none ranks below them all). */
const PROGRESS: readonly (SendState | undefined)[] = ['failed', 'pending', 'sent', 'delivered']

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

function combine(existing: ChatMessage, incoming: ChatMessage, adoptTime: boolean): ChatMessage {
  const state =
    PROGRESS.indexOf(incoming.state) > PROGRESS.indexOf(existing.state) ? incoming.state : existing.state
  // What the existing message lacks (a name, an avatar, a fallback, a traceId) comes from the incoming one: the
  // existing message has no undefined fields. Undefined fields are stripped by the caller: an error only while
  // failed, a progress only while pending.
  return {
    ...incoming,
    ...existing,
    createdAt: adoptTime ? incoming.createdAt : existing.createdAt,
    // Media with an empty url is a placeholder (an upload's, before its url is known). Media payloads are objects
    // (read-template makes sure), without a `url` of their prototype's.
    templates:
      existing.templates.length > 0 &&
      !existing.templates.some(
        (t) => t.type !== 'text' && t.type !== 'other' && (t.payload as { url?: unknown }).url === '',
      )
        ? existing.templates
        : incoming.templates,
    state,
    error: state === 'failed' ? existing.error : undefined,
    progress: state === 'pending' ? existing.progress : undefined,
  }
}

/**
 * The message delivered when the bot already answered its traceId: the answer came first (in another tab, before
 * the send's echo and Flow.ai's record of it, which come `sent`), so it found nothing to mark.
 */
const answered = (m: ChatMessage, index: MessageIndex): ChatMessage =>
  m.state === 'sent' && index._botTraces.has(m.traceId!) ? { ...m, state: 'delivered' } : m

/** Whether a record has any key, without listing them: cheaper than looking an id up in an empty record. */
function hasKeys(record: Readonly<Record<string, unknown>>): boolean {
  for (const _ in record) return true
  return false
}

/**
 * The message without its undefined fields. Most messages have none and are kept as they are (no object rebuilt
 * per message folded in).
 */
function strip(m: ChatMessage): ChatMessage {
  for (const key in m) {
    if (m[key as keyof ChatMessage] === undefined)
      return Object.fromEntries(
        Object.entries(m).filter(([, v]) => v !== undefined),
      ) as unknown as ChatMessage
  }
  return m
}

/**
 * Merges messages into a thread's list without duplicates: by id, by alias (an id already merged), as the echo
 * of an own send (same traceId; a history copy the relay paired with its send carries that traceId too), or,
 * for a history copy of an own send that the relay did not pair (it has another id), by content and time; an own
 * message whose traceId the bot already answered is delivered. Then keeps the list in order (by time, answers
 * after their questions). Pure unless `inPlace`, which changes `state` and `state.messages` themselves (made during
 * the same action, that nobody else has seen).
 *
 * Costs what is merged, not the length of the list, when the new messages go at the end in order (a live
 * event): one copy of the list, none in place; anything else sorts the list.
 *
 * @example
 * const next = mergeMessages(state, messagesFromReply(reply, receivedAt, 'visitor'))
 */
export function mergeMessages<S extends MergeInput>(
  state: S,
  incoming: readonly IncomingMessage[],
  inPlace = false,
): S {
  if (incoming.length === 0) return state
  const old = state.messages
  const index = indexOf(old)
  const start = old.length
  // The new list: `old` itself in place, else a copy. Messages not in it yet (fresh) go after `start`, in order.
  const list = inPlace ? (old as ChatMessage[]) : old.slice()
  let { aliases, localTime } = state
  let linked: Set<string> | undefined
  let ordered = index._normal
  let delta = 0
  let freshFromHistory = true
  let freshUntil = -Infinity
  // Ids of fresh messages, for a later one in the same merge; only needed when there is a later one.
  const added = incoming.length > 1 ? new Map<string, number>() : undefined
  for (const { message, echoOf, fromHistory } of incoming) {
    // Own keys only (an id such as `constructor` is no alias), and none to look up in most threads.
    const id =
      hasKeys(aliases) && Object.hasOwn(aliases, message.id) ? (aliases[message.id] as string) : message.id
    let at = index._ids.get(id) ?? added?.get(id)
    let renamed = false
    if (at === undefined && echoOf !== undefined) {
      at = index._ids.get(echoOf) ?? added?.get(echoOf)
      // Another record of the send came first under its own id (Flow.ai's, before the relay's `sent` echo). The
      // echo names a send by its traceId in every tab: that record takes it, so all tabs know it by one id.
      if (at === undefined && (index._asked.has(echoOf) || list.length > start)) {
        const found = list.findLastIndex((m) => m.sender !== 'bot' && m.traceId === echoOf)
        if (found >= 0) {
          at = found
          renamed = message.id === echoOf
        }
      }
    }
    // A copy the relay paired with its send (its traceId) is that send's, never another's by content.
    if (at === undefined && fromHistory && message.own && !echoOf) {
      linked ??= new Set(Object.values(aliases))
      const twin = historyTwin(list, message, linked)
      if (twin >= 0) at = twin
    }
    if (at === undefined) {
      const next = answered(strip(message), index)
      if (!fromHistory) freshFromHistory = false
      freshUntil = Math.max(freshUntil, next.createdAt)
      added?.set(next.id, list.length)
      list.push(next)
      delta += undelivered(next)
      continue
    }
    const existing = list[at] as ChatMessage
    if (renamed) {
      // Every id that named the record now names the message by its new id.
      aliases = {
        ...Object.fromEntries(
          Object.entries(aliases).map(([k, v]) => [k, v === existing.id ? message.id : v]),
        ),
        [existing.id]: message.id,
      }
      linked?.add(message.id)
      // The index still names the record's old id, and the old list owns it: the full pass rebuilds it.
      ordered = false
    } else if (existing.id !== message.id) {
      aliases = { ...aliases, [message.id]: existing.id }
      linked?.add(existing.id)
    }
    const adoptTime = localTime[existing.id] === true
    if (adoptTime) {
      const { [existing.id]: _adopted, ...rest } = localTime
      localTime = rest
    }
    const combined = combine(existing, message, adoptTime)
    const next = answered(strip(renamed ? { ...combined, id: message.id } : combined), index)
    if (next.createdAt !== existing.createdAt || next.traceId !== existing.traceId) ordered = false
    list[at] = next
    delta += undelivered(next) - undelivered(existing)
  }
  // A page of older history goes before what is there, so in a millisecond that both share (the page's
  // last messages, the list's first), the older page's messages stay first when the stable sort compares them.
  const olderPage =
    start > 0 && list.length > start && freshFromHistory && freshUntil <= (list[0] as ChatMessage).createdAt
  if (ordered) ordered = !olderPage && appendedInOrder(list, start, index)
  if (ordered) {
    // No fresh id is in the list (it would have been found), nor twice among the fresh ones.
    for (let i = start; i < list.length; i++) index._ids.set((list[i] as ChatMessage).id, i)
    index._undelivered += delta
    if (!inPlace) handOver(old, list, index)
  } else {
    if (inPlace) dropIndex(list)
    if (olderPage) list.unshift(...list.splice(start))
    const asked = new Map<string, number>()
    for (const m of list) noteTrace(m, undefined, asked)
    answersFollow(list, asked, true)
    list.sort(byTime)
  }
  return Object.assign(inPlace ? state : { ...state }, { messages: list, aliases, localTime })
}

/**
 * Whether the list stays in order with its fresh messages (from `start`) where they are, answers after their
 * questions: what sorting would give. Places each fresh answer after its question on the way, and records the
 * fresh traceIds in the index when the answer is yes.
 */
function appendedInOrder(list: ChatMessage[], start: number, index: MessageIndex): boolean {
  const fresh = list.length - start
  // TraceIds asked and answered among the fresh messages, for the ones after them: none for a lone message.
  const asked = fresh > 1 ? new Map<string, number>() : undefined
  const botTraces = fresh > 1 ? new Set<string>() : undefined
  for (let i = start; i < list.length; i++) {
    const m = list[i] as ChatMessage
    const { traceId } = m
    // A question after its answer moves the answer: leave that to the full pass.
    if (
      m.sender !== 'bot' &&
      traceId !== undefined &&
      (botTraces?.has(traceId) || index._botTraces.has(traceId))
    )
      return false
    noteTrace(m, botTraces, asked)
  }
  answersFollow(list, index._asked, true, asked, start)
  for (let i = Math.max(1, start); i < list.length; i++)
    if (byTime(list[i - 1] as ChatMessage, list[i] as ChatMessage) > 0) return false
  for (let i = start; i < list.length; i++) noteTrace(list[i] as ChatMessage, index._botTraces, index._asked)
  return true
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
