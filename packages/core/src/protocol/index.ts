/**
 * `@flowchat/core/protocol`: the wire format between a flowchat relay and its clients (docs/relay-protocol.md).
 * zod/mini only, no I/O.
 */
import * as z from 'zod/mini'
import { EventKind } from '../schemas/webhook.js'
import type { FlowErrorCode } from '../errors.js'

/** Envelope kinds: every decoded Flow.ai kind, plus `sent` for a message accepted by the relay's send route. */
export const EnvelopeKind = { ...EventKind, sent: 'sent' } as const
export type EnvelopeKind = (typeof EnvelopeKind)[keyof typeof EnvelopeKind]

/** Where an event came from: a Flow.ai webhook, or a send accepted by the relay. */
export const EventOrigin = { webhook: 'webhook', visitor: 'visitor', operator: 'operator' } as const
export type EventOrigin = (typeof EventOrigin)[keyof typeof EventOrigin]

/** Event ids are `<ms>-<seq>` (Redis stream id form), increasing within a stream. */
export const eventIdSchema = z.string().check(z.regex(/^\d{1,20}-\d{1,20}$/, 'must look like <ms>-<seq>'))

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

/** `POST /v1/sessions` answer. */
export const sessionSchema = z.looseObject({ threadId: z.string(), token: z.string(), expiresAt: z.string() })
export type Session = z.output<typeof sessionSchema>

/** `POST /v1/operator/sessions` answer. */
export const operatorSessionSchema = z.looseObject({ token: z.string(), expiresAt: z.string() })
export type OperatorSession = z.output<typeof operatorSessionSchema>

/** `POST /v1/threads/:threadId/messages` answer. */
export const sendAcceptedSchema = z.looseObject({ traceId: z.string(), eventId: z.optional(z.string()) })
export type SendAccepted = z.output<typeof sendAcceptedSchema>

/** Every relay error answer. */
export interface RelayErrorBody {
  error: { code: FlowErrorCode; message: string; path?: string }
}
export * from './heartbeat.js'
