import * as z from 'zod/mini'
import { maxChars } from './max-chars.js'
import { safeParse, type ParseResult } from './parse.js'
import {
  coordinateSchema,
  MAX_TEXT_LENGTH,
  originatorSchema,
  sendOriginatorSchema,
  SenderRole,
  traceIdSchema,
} from './primitives.js'
import { MediaType, MessageType, mediaTypeOf } from './message-types.js'

export { MediaType, MessageType, mediaTypeOf }

const textRule = z.string().check(z.minLength(1, 'must not be empty'), ...maxChars(MAX_TEXT_LENGTH))

/** Fields every message type shares. */
const common = {
  originator: z.looseObject({
    ...originatorSchema.shape,
    name: z.string(),
    role: z.enum([SenderRole.external, SenderRole.moderator]),
  }),
  traceId: z.optional(traceIdSchema),
  lang: z.optional(z.string().check(...maxChars(35))),
  timezone: z.optional(z.number()),
  params: z.optional(z.record(z.string(), z.unknown())),
}

/** A text message as received: `speech` (every example) or `text` (the argument table), at most 255 characters. */
const textPayloadSchema = z.pipe(
  z
    .looseObject({
      type: z.literal('text'),
      speech: z.optional(textRule),
      text: z.optional(textRule),
      ...common,
    })
    .check(
      z.refine((p) => p.speech !== undefined || p.text !== undefined, {
        message: 'a text message needs `speech` (or `text`)',
        path: ['speech'],
      }),
    ),
  z.transform((p) => ({ ...p, speech: (p.speech ?? p.text) as string })),
)

const eventPayloadSchema = z.looseObject({
  type: z.literal('event'),
  eventName: z.string().check(z.minLength(1, 'must not be empty'), ...maxChars(255)),
  ...common,
})

const locationPayloadSchema = z.looseObject({
  type: z.literal('location'),
  lat: coordinateSchema,
  long: coordinateSchema,
  title: z.optional(z.string()),
  ...common,
})

/** Media by URL; the MIME type is read from `mimeType` or `mimetype` (both appear in the references). */
const mediaPayloadSchema = z.pipe(
  z.looseObject({
    type: z.literal('media'),
    mediaType: z.enum([MediaType.image, MediaType.file, MediaType.audio, MediaType.video]),
    url: z.optional(z.string().check(z.minLength(1), ...maxChars(2048))),
    mimeType: z.optional(z.string()),
    mimetype: z.optional(z.string()),
    title: z.optional(z.string()),
    ...common,
  }),
  z.transform(({ mimetype, ...p }) =>
    (p.mimeType ?? mimetype) ? { ...p, mimeType: p.mimeType ?? mimetype } : p,
  ),
)

/**
 * The payload of `POST rest/v1/messages/:threadId`, read tolerantly (both field spellings, numbers or strings).
 * A media payload's `url` is optional here because a multipart upload carries the bytes instead.
 * Discriminated by `type`, so an error names the field of the one matching type (`payload.speech`).
 *
 * @example
 * safeParse(messagePayloadSchema, { type: 'text', text: 'Hi', originator }).value.speech // 'Hi'
 */
export const messagePayloadSchema = z.discriminatedUnion('type', [
  textPayloadSchema,
  eventPayloadSchema,
  locationPayloadSchema,
  mediaPayloadSchema,
])

/** The payload schema of each message type: `encodeMessage` knows the type, so it needs no union. */
const payloadSchemas = {
  text: textPayloadSchema,
  event: eventPayloadSchema,
  location: locationPayloadSchema,
  media: mediaPayloadSchema,
} satisfies Record<MessageType, z.ZodMiniType>

/** The body of `POST rest/v1/messages/:threadId`. */
export const messageRequestSchema = z.looseObject({ payload: messagePayloadSchema })

/** The body of `POST rest/v1/handover/:thread`: optionally how long the bot stays paused. */
export const handoverRequestSchema = z.looseObject({
  // `.check()` is a method call a bundler cannot prove pure: the annotation lets a bundle without handovers drop it.
  secondsToPause: z.optional(
    /* @__PURE__ */ z.int('must be a whole number').check(z.positive('must be positive')),
  ),
})

export type MessagePayload = z.output<typeof messagePayloadSchema>
export type MessageRequest = z.output<typeof messageRequestSchema>
export type HandoverRequest = z.output<typeof handoverRequestSchema>

/** What a caller passes to send a message; `encodeMessage` turns it into the documented wire form. */
export type MessageInput = (
  | { type: 'text'; text: string }
  | { type: 'event'; eventName: string }
  | { type: 'location'; lat: string | number; long: string | number; title?: string }
  | { type: 'media'; mediaType: MediaType; url: string; mimeType?: string; title?: string }
) &
  MessageCommon

/** Fields any message may carry beside its type's own. */
export interface MessageCommon {
  originator: z.input<typeof sendOriginatorSchema>
  traceId?: string | number
  lang?: string
  timezone?: number
  params?: Record<string, unknown>
}

/** The message of a multipart media upload: the bytes travel as the `file` part, so `url` is optional. */
export type MediaUploadInput = {
  type: 'media'
  mediaType: MediaType
  url?: string
  mimeType?: string
  title?: string
} & MessageCommon

export interface EncodeOptions {
  /** The message goes with an uploaded file (the `query` part of a multipart upload): no `url` needed. */
  upload?: boolean
}

/**
 * Validates a message and writes it in the documented form: text as `speech`, `mimeType`, string coordinates.
 * Fails, naming the field, on text over 255 characters, an empty event name and the like. The spellings of the
 * references' examples are read too: `speech` for `text`, `mimetype` for `mimeType`.
 *
 * @example
 * const r = encodeMessage({ type: 'text', text: 'Hello', originator: { name: 'Ann', role: 'external' } })
 * if (r.ok) r.value // { payload: { type: 'text', speech: 'Hello', originator: { … } } }
 */
export function encodeMessage(
  input: MessageInput | MediaUploadInput,
  options: EncodeOptions = {},
): ParseResult<MessageRequest> {
  // Plain JavaScript (or a cast) can pass anything: refused like any field, never a TypeError.
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return fail('payload', 'a message must be an object')
  const { type } = input
  if (!Object.hasOwn(MessageType, type)) {
    return fail('payload.type', `must be one of ${Object.keys(MessageType).join(', ')}`)
  }
  const originator = safeParse(sendOriginatorSchema, input.originator)
  if (!originator.ok) return prefixed('payload.originator', originator)
  const shared = {
    originator: originator.value,
    ...(input.traceId === undefined ? {} : { traceId: input.traceId }),
    ...(input.lang === undefined ? {} : { lang: input.lang }),
    ...(input.timezone === undefined ? {} : { timezone: input.timezone }),
    ...(input.params === undefined ? {} : { params: input.params }),
  }
  let payload: Record<string, unknown>
  switch (input.type) {
    case 'text':
      payload = { type: 'text', speech: spelled(input, 'text', 'speech'), ...shared }
      break
    case 'event':
      payload = { type: 'event', eventName: input.eventName, ...shared }
      break
    case 'location':
      // As given, so that the schema refuses what String() would turn into "NaN", "Infinity" or "undefined".
      payload = {
        type: 'location',
        lat: input.lat,
        long: input.long,
        ...opt('title', input.title),
        ...shared,
      }
      break
    case 'media':
      if (!input.url && !options.upload) return fail('payload.url', 'must not be empty')
      payload = {
        type: 'media',
        mediaType: input.mediaType,
        ...opt('url', input.url || undefined),
        ...opt('mimeType', spelled(input, 'mimeType', 'mimetype') as string | undefined),
        ...opt('title', input.title),
        ...shared,
      }
      break
  }
  // One type's schema, not the union: a browser bundle that sends messages then carries no discriminated union.
  const parsed = safeParse(payloadSchemas[type], payload)
  if (!parsed.ok) return prefixed('payload', parsed)
  // Coordinates go out as strings, as in every example (the schema wrote them so).
  if (parsed.value.type === 'location')
    payload = { ...payload, lat: parsed.value.lat, long: parsed.value.long }
  // Parsing re-reads tolerantly (it would keep `text` beside `speech`); the wire form is the one built above.
  return { ok: true, value: { payload } as MessageRequest }
}

/**
 * A field under its documented name or, when that is missing, the spelling of the references' examples (`speech`
 * for `text`, `mimetype` for `mimeType`), which plain JavaScript passes as readily: refused, it named a field the
 * caller had given, and dropped, it lost the MIME type without a word.
 */
function spelled(input: object, name: string, alias: string): unknown {
  const fields = input as Record<string, unknown>
  return fields[name] ?? fields[alias]
}

function opt<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>)
}

function fail(path: string, message: string): ParseResult<never> {
  return { ok: false, issues: [{ path, message }], error: `${path}: ${message}` }
}

function prefixed(prefix: string, r: Extract<ParseResult<unknown>, { ok: false }>): ParseResult<never> {
  const issues = r.issues.map((i) => ({
    path: i.path === '(root)' ? prefix : `${prefix}.${i.path}`,
    message: i.message,
  }))
  return { ok: false, issues, error: issues.map((i) => `${i.path}: ${i.message}`).join('; ') }
}
