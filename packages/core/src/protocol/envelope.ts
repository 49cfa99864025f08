import * as z from 'zod/mini'
import { EventKind } from '../schemas/webhook.js'
import { eventIdSchema } from './event-id.js'

/** Envelope kinds: every decoded Flow.ai kind, plus `sent` for a message accepted by the relay's send route. */
export const EnvelopeKind = { ...EventKind, sent: 'sent' } as const
export type EnvelopeKind = (typeof EnvelopeKind)[keyof typeof EnvelopeKind]

/** Where an event came from: a Flow.ai webhook, or a send accepted by the relay. */
export const EventOrigin = { webhook: 'webhook', visitor: 'visitor', operator: 'operator' } as const
export type EventOrigin = (typeof EventOrigin)[keyof typeof EventOrigin]

/** The SSE `event:` name that tells a client its `Last-Event-ID` is no longer retained: refetch history. */
export const RESET_EVENT = 'reset'

/**
 * The SSE `data` of every relay event.
 *
 * @example
 * const r = safeParse(envelopeSchema, JSON.parse(message.data))
 */
export const envelopeSchema = z.looseObject({
  id: eventIdSchema,
  threadId: z.nullable(z.string()),
  kind: z.string(),
  type: z.string(),
  receivedAt: z.string(),
  source: z.enum([EventOrigin.webhook, EventOrigin.visitor, EventOrigin.operator]),
  body: z.unknown(),
})

export interface EventEnvelope {
  /** `<ms>-<seq>`, increasing within its stream. */
  id: string
  threadId: string | null
  /** An `EnvelopeKind`; kept as a string so a newer relay's kinds pass through an older client. */
  kind: EnvelopeKind | (string & {})
  /** The original Flow.ai type name (for `sent`, the payload type). */
  type: string
  /** ISO time the relay accepted it. */
  receivedAt: string
  source: EventOrigin
  /** The body exactly as received (webhooks) or as sent to Flow.ai (`sent`). */
  body: unknown
}
