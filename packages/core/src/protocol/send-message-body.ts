import * as z from 'zod/mini'
import { maxChars } from '../schemas/max-chars.js'
import { profileSchema } from '../schemas/primitives.js'
import { MediaType } from '../schemas/requests.js'
import { boundedString } from './fields.js'
import { RelayLimits as L } from './limits.js'

const mediaType = z.enum([MediaType.image, MediaType.file, MediaType.audio, MediaType.video])
const maxLength = (max: number) => z.string().check(...maxChars(max))
const coordinate = z.union([boundedString(L.coordinateLength), z.number()])

/** Fields every message shares. The role is not here: it comes from the token. */
const common = {
  traceId: z.optional(z.union([boundedString(L.traceIdLength), z.number()])),
  lang: z.optional(maxLength(L.langLength)),
  timezone: z.optional(z.number()),
  params: z.optional(z.record(z.string(), z.unknown())),
  originator: z.optional(
    z.object({ name: z.optional(boundedString(L.nameLength)), profile: z.optional(profileSchema) }),
  ),
}

/**
 * `POST /v1/threads/{threadId}/messages` JSON body: a text, event, location or media message.
 *
 * @example
 * safeParse(sendMessageBodySchema, { type: 'text', text: 'Hi' })
 */
export const sendMessageBodySchema = /* @__PURE__ */ z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: boundedString(L.textLength), ...common }),
  z.object({
    type: z.literal('event'),
    eventName: boundedString(L.eventNameLength),
    /** What the visitor clicked (a button's or quick reply's label): the transcript shows it, not the name. */
    label: z.optional(boundedString(L.textLength)),
    ...common,
  }),
  z.object({
    type: z.literal('location'),
    lat: coordinate,
    long: coordinate,
    title: z.optional(maxLength(L.titleLength)),
    ...common,
  }),
  z.object({
    type: z.literal('media'),
    mediaType,
    url: boundedString(L.urlLength),
    mimeType: z.optional(maxLength(L.titleLength)),
    title: z.optional(maxLength(L.titleLength)),
    ...common,
  }),
])
export type SendMessageBody = z.output<typeof sendMessageBodySchema>

/** The `query` part of a multipart upload: a media message without `url` (the bytes are the `file` part). */
export const uploadQuerySchema = /* @__PURE__ */ z.object({
  type: z.literal('media'),
  mediaType,
  mimeType: z.optional(maxLength(L.titleLength)),
  title: z.optional(maxLength(L.titleLength)),
  ...common,
})
export type UploadQuery = z.output<typeof uploadQuerySchema>
