import { randomUUID } from 'node:crypto'
import { webhookTypeFor, type Dialect, type EventKind } from '@flowchat/core/schemas'

/** One event ready to deliver: its identity, the thread it belongs to (none for project events) and the exact bytes. */
export interface WebhookEvent {
  /** Stable identity, also in the body as `id`: every attempt and every duplicate carries it. */
  id: string
  threadId: string | undefined
  /** The dialect's type name (`message`, `control.pause`, …). */
  type: string
  /** The serialised body, built once so every retry sends the same bytes. */
  body: string
}

/** Kinds the emulator sends and the current-dialect name used when a dialect has none for a kind. */
const FALLBACK_TYPES: Partial<Record<EventKind, string>> = {
  reply: 'message',
  handover: 'paused',
  paused: 'paused',
  resumed: 'resumed',
  history: 'history',
  threads: 'threads',
  triggerEvents: 'trigger.events',
  businessHours: 'businessHours',
  botStatus: 'isPaused',
  takeover: 'takeover',
}

/**
 * The type name of a kind in a dialect. A kind the dialect has no name for (history, threads, … in `legacy`;
 * `handover` in `current`) uses the current dialect's name, so nothing is dropped.
 *
 * @example
 * typeNameFor('paused', 'legacy') // 'control.pause'
 * typeNameFor('history', 'legacy') // 'history'
 */
export function typeNameFor(kind: EventKind, dialect: Dialect): string {
  const type = webhookTypeFor(kind, dialect) ?? FALLBACK_TYPES[kind] ?? webhookTypeFor(kind, 'current')
  if (type === undefined) throw new Error(`no webhook type for kind ${kind}`)
  return type
}

/**
 * Builds the body `{"type": …, "id": …, "payload": {…}}` once. `id` is the delivery identity a receiver
 * deduplicates on; `parseWebhookEvent` ignores it.
 *
 * @example
 * const event = createWebhookEvent('paused', 'legacy', { threadId: 't1' })
 * JSON.parse(event.body) // { type: 'control.pause', id: '…', payload: { threadId: 't1' } }
 */
export function createWebhookEvent(
  kind: EventKind,
  dialect: Dialect,
  payload: Record<string, unknown>,
  threadId: string | undefined = typeof payload.threadId === 'string' ? payload.threadId : undefined,
): WebhookEvent {
  const id = randomUUID()
  const type = typeNameFor(kind, dialect)
  return { id, threadId, type, body: JSON.stringify({ type, id, payload }) }
}
