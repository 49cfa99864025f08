import * as z from 'zod/mini'
import { safeParse, type ParseResult } from './parse.js'
import { threadIdSchema, traceIdSchema } from './primitives.js'
import { isRecord } from './light-read.js'
import { EventKind, PROJECT_KINDS } from './event-kind.js'
import {
  businessHoursSchema,
  historyPageSchema,
  replySchema,
  threadsPageSchema,
  triggerEventsSchema,
  type BusinessHours,
  type HistoryPage,
  type Reply,
  type ThreadsPage,
  type TriggerEvents,
} from './responses.js'

export { EventKind, PROJECT_KINDS }

/** Webhook event naming: `current` (`message`, `paused`, …) or `legacy` (`message.reply`, `control.pause`, …). */
export const Dialect = { current: 'current', legacy: 'legacy' } as const
export type Dialect = (typeof Dialect)[keyof typeof Dialect]

/** Webhook type names of each dialect and the kind each decodes to. */
export const WEBHOOK_TYPES = {
  current: {
    message: 'reply',
    history: 'history',
    threads: 'threads',
    'trigger.events': 'triggerEvents',
    businessHours: 'businessHours',
    paused: 'paused',
    resumed: 'resumed',
    isPaused: 'botStatus',
    inbound: 'inbound',
    outbound: 'outbound',
    takeover: 'takeover',
  },
  legacy: {
    'message.reply': 'reply',
    'message.delivered': 'delivered',
    'control.handover': 'handover',
    'control.pause': 'paused',
    'control.resume': 'resumed',
  },
} as const satisfies Record<Dialect, Record<string, Exclude<EventKind, 'unknown'>>>

/**
 * The webhook type name a dialect uses for a kind, or undefined when that dialect has none.
 *
 * @example
 * webhookTypeFor('paused', 'legacy') // 'control.pause'
 */
export function webhookTypeFor(kind: EventKind, dialect: Dialect): string | undefined {
  for (const [type, k] of Object.entries(WEBHOOK_TYPES[dialect])) if (k === kind) return type
  return undefined
}

/** Kind and dialect of a webhook type name; unknown names are `unknown` with no dialect. */
export function kindOfType(type: string): { kind: EventKind; dialect?: Dialect } {
  // Literals rather than reads of `Dialect`, so that a bundle reading types does not carry that object too.
  for (const dialect of ['current', 'legacy'] as const satisfies readonly Dialect[]) {
    const kind = (WEBHOOK_TYPES[dialect] as Record<string, Exclude<EventKind, 'unknown'>>)[type]
    if (kind && Object.hasOwn(WEBHOOK_TYPES[dialect], type)) return { kind, dialect }
  }
  return { kind: EventKind.unknown }
}

const threadActionSchema = z.looseObject({
  threadId: z.optional(threadIdSchema),
  secondsToPause: z.optional(z.number()),
})
const deliveredSchema = z.looseObject({
  threadId: z.optional(threadIdSchema),
  traceId: z.optional(traceIdSchema),
})
const botStatusSchema = z.pipe(
  z.looseObject({
    threadId: z.optional(threadIdSchema),
    isPaused: z.optional(z.boolean()),
    isPaued: z.optional(z.boolean()),
  }),
  z.transform(({ isPaued, ...b }) => ({ ...b, isPaused: b.isPaused ?? isPaued ?? false })),
)
const businessHoursEventSchema = z.looseObject({ businessHours: z.array(businessHoursSchema) })

export type ThreadAction = z.output<typeof threadActionSchema>
export type Delivered = z.output<typeof deliveredSchema>
export type BotStatusData = z.output<typeof botStatusSchema>

/** The typed data of each kind. */
export interface EventDataMap {
  reply: Reply
  inbound: Reply
  outbound: Reply
  delivered: Delivered
  paused: ThreadAction
  resumed: ThreadAction
  handover: ThreadAction
  takeover: ThreadAction
  history: HistoryPage
  threads: ThreadsPage
  triggerEvents: TriggerEvents
  businessHours: { businessHours: BusinessHours[] }
  botStatus: BotStatusData
  unknown: Record<string, unknown>
}

/** The schema of each known kind's data. Internal to the schemas (not exported from the package). */
export const webhookDataSchemas: { [K in Exclude<EventKind, 'unknown'>]: z.ZodMiniType<unknown, unknown> } = {
  reply: replySchema,
  inbound: replySchema,
  outbound: replySchema,
  delivered: deliveredSchema,
  paused: threadActionSchema,
  resumed: threadActionSchema,
  handover: threadActionSchema,
  takeover: threadActionSchema,
  history: historyPageSchema,
  threads: threadsPageSchema,
  triggerEvents: triggerEventsSchema,
  businessHours: businessHoursEventSchema,
  botStatus: botStatusSchema,
}

/**
 * A decoded webhook event: its kind, the original type name, the thread it concerns (if any), its typed data,
 * and the body exactly as received in `raw`. `issue` says why a known type was decoded as `unknown`.
 */
export type FlowEvent = {
  [K in EventKind]: {
    kind: K
    type: string
    threadId?: string
    traceId?: string
    data: EventDataMap[K]
    raw: unknown
    issue?: string
  }
}[EventKind]

export type FlowEventOf<K extends EventKind> = Extract<FlowEvent, { kind: K }>

/**
 * Decodes a webhook body of either dialect. The body is `{ type, payload }`; a flat body (fields beside `type`)
 * and a `result`-wrapped payload are read too. An unknown type, or a known one whose payload does not fit,
 * decodes as `unknown` with the original type and body kept: it is never an error and never dropped.
 * Only a body that is not an object or has no string `type` fails.
 *
 * @example
 * const r = parseWebhookEvent({ type: 'control.pause', payload: { threadId: 't1' } })
 * if (r.ok) r.value.kind // 'paused'
 */
export function parseWebhookEvent(json: unknown): ParseResult<FlowEvent> {
  const located = locateWebhook(json)
  if (!located.ok) return located
  const { type, kind, payload, body } = located.value
  const ids = readIds(payload, body)
  if (kind === EventKind.unknown) {
    return { ok: true, value: { kind, type, ...ids, data: payload, raw: json } }
  }
  const parsed = safeParse(webhookDataSchemas[kind], payload)
  if (!parsed.ok) {
    return {
      ok: true,
      value: { kind: EventKind.unknown, type, ...ids, data: payload, raw: json, issue: parsed.error },
    }
  }
  return { ok: true, value: { kind, type, ...ids, data: parsed.value, raw: json } as FlowEvent }
}

/** Where a webhook body's parts are: what both decoders (this one and webhook-head.ts) read the same way. */
export interface LocatedWebhook {
  type: string
  /** The kind its type names; whether the payload fits that kind is the caller's test. */
  kind: EventKind
  /** The payload its data and ids are read from (unwrapped from `payload` or `result`, or the flat body). */
  payload: Record<string, unknown>
  /** The whole body, where ids missing from the payload are looked for. */
  body: Record<string, unknown>
}

/**
 * The checks and unwrapping every webhook decoder starts with: a JSON object with a non-empty `type` of at most
 * 200 characters, and its payload. Internal to the schemas (not exported from the package).
 *
 * @example
 * const r = locateWebhook({ type: 'paused', payload: { threadId: 't1' } })
 * if (r.ok) r.value.kind // 'paused'
 */
export function locateWebhook(json: unknown): ParseResult<LocatedWebhook> {
  if (!isRecord(json)) return failure('(root)', 'a webhook body must be a JSON object')
  const { type } = json
  if (typeof type !== 'string' || type.length === 0) return failure('type', 'must be a non-empty string')
  if (type.length > 200) return failure('type', 'must be at most 200 characters')

  let payload: Record<string, unknown>
  if (isRecord(json.payload)) payload = json.payload
  else {
    const { type: _type, payload: _payload, ...rest } = json
    payload = rest
  }
  if (isRecord(payload.result) && !('threadId' in payload && 'messages' in payload)) {
    payload = { ...payload.result, ...('threadId' in payload ? { threadId: payload.threadId } : {}) }
  }
  return { ok: true, value: { type, kind: kindOfType(type).kind, payload, body: json } }
}

/** threadId and traceId from the payload or, failing that, the top level; invalid ones are left out. */
function readIds(
  payload: Record<string, unknown>,
  body: Record<string, unknown>,
): { threadId?: string; traceId?: string } {
  const out: { threadId?: string; traceId?: string } = {}
  const thread = safeParse(threadIdSchema, payload.threadId ?? body.threadId)
  if (thread.ok) out.threadId = thread.value
  const trace = safeParse(traceIdSchema, payload.traceId ?? body.traceId)
  if (trace.ok) out.traceId = trace.value
  return out
}

function failure(path: string, message: string): ParseResult<never> {
  return { ok: false, issues: [{ path, message }], error: `${path}: ${message}` }
}
