import { describe, expect, it } from 'vitest'
import { mergeMessages } from './merge-messages.js'
import { seededRandom } from './test-doubles.js'
import type { IncomingMessage } from './to-chat-messages.js'
import type { ChatMessage, SendState, Sender } from './types.js'

interface MergeState {
  readonly messages: readonly ChatMessage[]
  readonly aliases: Readonly<Record<string, string>>
  readonly localTime: Readonly<Record<string, true>>
}

// The merge as it was before lists had an index, verbatim: the reference the indexed merge must equal.

/** How far apart an own message and its history copy may be stamped and still be one message. */
const HISTORY_MATCH_WINDOW_MS = 10 * 60_000

const RANK: Record<SendState, number> = { failed: -1, pending: 0, sent: 1, delivered: 2 }

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
 * The merge before lists had an index, kept verbatim as the reference: merges messages into a thread's list without duplicates: by id, by alias (an id already merged), as the echo
 * of an own send (same traceId), or, for a history copy of an own send (which has another id), by content
 * and time. Returns the sorted list and the updated alias and local-time maps. Pure.
 *
 * @example
 * const next = mergeMessages(state, messagesFromHistory(page, 'visitor'))
 */
function mergeFully<S extends MergeState>(state: S, incoming: readonly IncomingMessage[]): S {
  if (incoming.length === 0) return state
  const list = [...state.messages]
  const aliases = { ...state.aliases }
  const localTime = { ...state.localTime }
  const linked = new Set(Object.values(aliases))
  const start = list.length
  let pushedFromHistory = true
  let pushedUntil = -Infinity
  // A sent message whose traceId the bot already answered (in the list before the merge) is delivered.
  const botTraces = new Set(
    state.messages.flatMap((m) => (m.sender === 'bot' && m.traceId ? [m.traceId] : [])),
  )
  const answered = (m: ChatMessage): ChatMessage =>
    m.state === 'sent' && botTraces.has(m.traceId ?? '') ? { ...m, state: 'delivered' } : m
  for (const { message, echoOf, fromHistory } of incoming) {
    const target = aliases[message.id] ?? message.id
    let index = list.findIndex((m) => m.id === target)
    let renamed = false
    if (index < 0 && echoOf !== undefined) index = list.findIndex((m) => m.id === echoOf)
    if (index < 0 && echoOf !== undefined) {
      // Another record of the send came first: it takes the echo's id (the traceId).
      index = list.findLastIndex((m) => m.sender !== 'bot' && m.traceId === echoOf)
      renamed = index >= 0 && message.id === echoOf
    }
    // A history copy the relay paired with its send (its traceId) is that send's, never matched by content.
    if (index < 0 && fromHistory && message.own && echoOf === undefined)
      index = historyTwin(list, message, linked)
    if (index < 0) {
      list.push(answered(strip(message)))
      pushedFromHistory &&= fromHistory === true
      pushedUntil = Math.max(pushedUntil, message.createdAt)
      continue
    }
    const existing = list[index] as ChatMessage
    if (renamed) {
      for (const [id, to] of Object.entries(aliases)) if (to === existing.id) aliases[id] = message.id
      aliases[existing.id] = message.id
      linked.add(message.id)
    } else if (existing.id !== message.id) {
      aliases[message.id] = existing.id
      linked.add(existing.id)
    }
    const adoptTime = localTime[existing.id] === true
    delete localTime[existing.id]
    const combined = combine(existing, message, adoptTime)
    list[index] = answered(strip(renamed ? { ...combined, id: message.id } : combined))
  }
  // An older history page goes first: in a shared millisecond its messages stay before the list's.
  const first = list[0]
  if (list.length > start && pushedFromHistory && start > 0 && first && pushedUntil <= first.createdAt) {
    list.unshift(...list.splice(start))
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

/**
 * A long conversation as batches: mostly in order, with late, duplicated, echoed and history-copied
 * messages, answers stamped before their questions, and own messages in every send state.
 */
function conversation(seed: number, length: number): IncomingMessage[][] {
  const next = seededRandom(seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T
  const seen: IncomingMessage[] = []
  const batches: IncomingMessage[][] = []
  let clock = 1_732_170_000_000
  for (let i = 0; i < length; i++) {
    const roll = next()
    if (roll < 0.15 && seen.length > 0) {
      // A duplicate of something already merged, possibly with a better state.
      const old = pick(seen)
      const state: SendState | undefined = old.message.own
        ? pick(['sent', 'delivered', 'failed'] as const)
        : undefined
      batches.push([{ ...old, message: { ...old.message, ...(state ? { state } : {}) } }])
      continue
    }
    if (roll < 0.22 && seen.length > 0) {
      // A history copy of an earlier message under another id.
      const old = pick(seen)
      const copy = { ...old.message, id: `h${i}`, traceId: undefined, state: undefined }
      batches.push([{ message: copy, fromHistory: true }])
      continue
    }
    if (roll < 0.26 && seen.length > 0) {
      // A history copy the relay paired with its send (its traceId), of an earlier message that has one.
      const old = pick(seen).message
      if (old.own && old.traceId !== undefined) {
        const copy = { ...old, id: `h${i}`, state: 'delivered' as const }
        batches.push([{ message: copy, echoOf: old.traceId, fromHistory: true }])
        continue
      }
    }
    clock += pick([0, 0, 1, 5, 1000])
    const late = next() < 0.1 ? -Math.floor(next() * 5000) : 0
    const sender: Sender = pick(['bot', 'bot', 'visitor', 'agent'] as const)
    const own = sender === 'visitor'
    const traceId = next() < 0.6 ? `tr${Math.floor(next() * (i + 1))}` : undefined
    const message: ChatMessage = {
      id: own && traceId !== undefined && next() < 0.5 ? traceId : `m${i}`,
      sender,
      createdAt: clock + late,
      templates: [{ type: 'text', payload: { text: `text ${Math.floor(next() * 20)}` } }],
      own,
      ...(own ? { state: pick(['pending', 'sent', 'failed'] as const) } : {}),
      ...(traceId !== undefined ? { traceId } : {}),
    }
    const incoming: IncomingMessage =
      own && traceId !== undefined && next() < 0.3 ? { message, echoOf: traceId } : { message }
    seen.push(incoming)
    const batch = [incoming]
    if (next() < 0.1) batch.push({ message: { ...message, id: `${message.id}b`, sender: 'bot', own: false } })
    batches.push(batch)
  }
  return batches
}

describe('mergeMessages', () => {
  it('gives what a full merge (scan, place answers, sort) gives, batch after batch', () => {
    for (const seed of [1, 2, 3, 42, 2026]) {
      let fast: MergeState = { messages: [], aliases: {}, localTime: {} }
      let full: MergeState = fast
      // In place, as the reducer merges a burst: one list of the test's own, changed by every batch.
      let placed: MergeState = { messages: [], aliases: {}, localTime: {} }
      for (const [step, batch] of conversation(seed, 1500).entries()) {
        const localTime = step % 7 === 0 && batch[0] ? { [batch[0].message.id]: true as const } : {}
        fast = mergeMessages({ ...fast, localTime: { ...fast.localTime, ...localTime } }, batch)
        full = mergeFully({ ...full, localTime: { ...full.localTime, ...localTime } }, batch)
        placed = mergeMessages({ ...placed, localTime: { ...placed.localTime, ...localTime } }, batch, true)
        if (step % 100 === 0) expect(fast, `seed ${seed}, step ${step}`).toEqual(full)
      }
      expect(fast, `seed ${seed}`).toEqual(full)
      expect(placed, `seed ${seed}, in place`).toEqual(full)
      expect(new Set(fast.messages.map((m) => m.id)).size).toBe(fast.messages.length)
    }
  })

  it('appends a long in-order conversation without reordering', () => {
    let state: MergeState = { messages: [], aliases: {}, localTime: {} }
    for (let i = 0; i < 5000; i++) {
      const message: ChatMessage = {
        id: `m${i}`,
        sender: i % 2 ? 'bot' : 'visitor',
        createdAt: 1_732_170_000_000 + i,
        templates: [],
        own: false,
        traceId: `t${Math.floor(i / 2)}`,
      }
      state = mergeMessages(state, [{ message }, { message }])
    }
    expect(state.messages.map((m) => m.id)).toEqual(Array.from({ length: 5000 }, (_, i) => `m${i}`))
  })

  it('keeps the order of history pages that share a millisecond across their boundary', () => {
    const at = Date.UTC(2026, 0, 1)
    const text = (i: number, createdAt: number): IncomingMessage => ({
      message: {
        id: `h${i}`,
        sender: 'bot',
        createdAt,
        templates: [{ type: 'text', payload: { text: `${i}` } }],
        own: false,
      },
      fromHistory: true,
    })
    // Newest page first (messages 10–19), then the older one (0–9); 9 and 10 share a millisecond.
    const newer = Array.from({ length: 10 }, (_, i) => text(10 + i, at + 9 + i))
    const older = Array.from({ length: 10 }, (_, i) => text(i, at + i))
    let state: MergeState = { messages: [], aliases: {}, localTime: {} }
    state = mergeMessages(state, newer)
    state = mergeMessages(state, older)
    expect(state.messages.map((m) => m.id)).toEqual(Array.from({ length: 20 }, (_, i) => `h${i}`))
  })
})
