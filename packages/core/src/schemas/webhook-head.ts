import type { ParseResult } from './parse.js'
import { threadIdSchema } from './primitives.js'
import { schemaFits, type Fits } from './schema-fits.js'
import { EventKind, locateWebhook, webhookDataSchemas } from './webhook.js'

/** What a webhook body says about itself: enough to file it, nothing decoded. */
export interface WebhookHead {
  /** The kind its type names, or `unknown` when the type is unknown or its payload does not fit that kind. */
  kind: EventKind
  /** The type name as received. */
  type: string
  /** The thread it concerns, when it names a valid one. */
  threadId?: string
}

type KnownKind = Exclude<EventKind, 'unknown'>

// Compiled on first use: a reader that never decodes a head never walks the schemas.
let fitsData: Record<KnownKind, Fits> | undefined
let fitsThreadId: Fits | undefined

/**
 * The kind, type and thread id of a webhook body, decided exactly as `parseWebhookEvent` decides them (same
 * failures, same messages and paths, same kind, same thread id) but without building the decoded data: for a
 * server that stores the body as received and only files it (the relay's ingest). The payload is tested against
 * the same schemas with `schemaFits`; `webhook-head.test.ts` holds both decoders equal over every fixture and a
 * seeded generator of valid and broken bodies.
 *
 * @example
 * const r = decodeWebhookHead({ type: 'message', payload: { threadId: 't1', messages: [] } })
 * if (r.ok) r.value // { kind: 'reply', type: 'message', threadId: 't1' }
 */
export function decodeWebhookHead(json: unknown): ParseResult<WebhookHead> {
  const located = locateWebhook(json)
  if (!located.ok) return located
  const { type, payload, body } = located.value
  let { kind } = located.value
  fitsThreadId ??= schemaFits(threadIdSchema)
  const given = payload.threadId ?? body.threadId
  if (kind !== EventKind.unknown) {
    fitsData ??= compileData()
    if (!fitsData[kind](payload)) kind = EventKind.unknown
  }
  // A valid thread id parses to itself, so the given value is the decoded one.
  return fitsThreadId(given)
    ? { ok: true, value: { kind, type, threadId: given as string } }
    : { ok: true, value: { kind, type } }
}

function compileData(): Record<KnownKind, Fits> {
  const out = {} as Record<KnownKind, Fits>
  for (const kind of Object.keys(webhookDataSchemas) as KnownKind[])
    out[kind] = schemaFits(webhookDataSchemas[kind])
  return out
}
