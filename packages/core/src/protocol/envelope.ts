import { EventKind } from '../schemas/event-kind.js'

/** Envelope kinds: every decoded Flow.ai kind, plus `sent` for a message accepted by the relay's send route. */
export const EnvelopeKind = { ...EventKind, sent: 'sent' } as const
export type EnvelopeKind = (typeof EnvelopeKind)[keyof typeof EnvelopeKind]

/** Where an event came from: a Flow.ai webhook, or a send accepted by the relay. */
export const EventOrigin = { webhook: 'webhook', visitor: 'visitor', operator: 'operator' } as const
export type EventOrigin = (typeof EventOrigin)[keyof typeof EventOrigin]

/** The SSE `event:` name that tells a client its `Last-Event-ID` is no longer retained: refetch history. */
export const RESET_EVENT = 'reset'

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
