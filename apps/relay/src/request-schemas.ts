/**
 * The relay's request bodies and queries as zod schemas: validation and `GET /openapi.json` come from these.
 */
import * as z from 'zod'
import { FlowErrorCode } from '@flowchat/core'
import { httpError } from './http-error.js'

const MAX_TEXT = 255

const profile = z.looseObject({
  fullName: z.string().max(200).optional(),
  firstName: z.string().max(200).optional(),
  lastName: z.string().max(200).optional(),
  locale: z.string().max(35).optional(),
  timezone: z.number().optional(),
  country: z.string().max(100).optional(),
  email: z.string().max(320).optional(),
  picture: z.string().max(2048).optional(),
  language: z.string().max(35).optional(),
  phoneNumber: z.string().max(32).optional(),
})

/** Shared by every message type. The role is not here: it comes from the token. */
const common = {
  traceId: z.union([z.string().min(1).max(128), z.number()]).optional(),
  lang: z.string().max(35).optional(),
  timezone: z.number().optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  originator: z
    .object({ name: z.string().min(1).max(200).optional(), profile: profile.optional() })
    .optional(),
}

const coordinate = z.union([z.string().min(1).max(64), z.number()])

export const sendMessageBodySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string().min(1).max(MAX_TEXT), ...common }),
  z.object({ type: z.literal('event'), eventName: z.string().min(1).max(255), ...common }),
  z.object({
    type: z.literal('location'),
    lat: coordinate,
    long: coordinate,
    title: z.string().max(255).optional(),
    ...common,
  }),
  z.object({
    type: z.literal('media'),
    mediaType: z.enum(['image', 'file', 'audio', 'video']),
    url: z.string().min(1).max(2048),
    mimeType: z.string().max(255).optional(),
    title: z.string().max(255).optional(),
    ...common,
  }),
])
export type SendMessageBody = z.output<typeof sendMessageBodySchema>

/** The `query` part of a multipart upload: a media message without `url` (the bytes are the `file` part). */
export const uploadQuerySchema = z.object({
  type: z.literal('media'),
  mediaType: z.enum(['image', 'file', 'audio', 'video']),
  mimeType: z.string().max(255).optional(),
  title: z.string().max(255).optional(),
  ...common,
})
export type UploadQuery = z.output<typeof uploadQuerySchema>

export const sessionBodySchema = z.object({ name: z.string().min(1).max(200).optional() })
export const operatorSessionBodySchema = z.object({ name: z.string().min(1).max(200).optional() })
export const handoverBodySchema = z.object({ secondsToPause: z.int().positive().optional() })
export const triggerBodySchema = z.object({ eventName: z.string().min(1).max(255) })
export const pageQuerySchema = z.object({ page: z.coerce.number().int().min(1).max(100_000).optional() })
export const streamQuerySchema = z.object({
  lastEventId: z
    .string()
    .regex(/^\d{1,20}-\d{1,20}$/, 'must look like <ms>-<seq>')
    .optional(),
  access_token: z.string().optional(),
})

export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), path: z.string().optional() }),
})
export const sessionAnswerSchema = z.object({
  threadId: z.string(),
  token: z.string(),
  expiresAt: z.string(),
})
export const operatorSessionAnswerSchema = z.object({ token: z.string(), expiresAt: z.string() })
export const sendAnswerSchema = z.object({ traceId: z.string(), eventId: z.string().optional() })
export const statusAnswerSchema = z.object({ threadId: z.string(), isPaused: z.boolean() })
export const emptyAnswerSchema = z.object({})

/** Formats the first issue of a failed parse as `path: rule`, with `prefix` before the path. */
export function firstIssue(error: z.ZodError, prefix?: string): { path: string; message: string } {
  const issue = error.issues[0]
  const inner = issue?.path.map(String).join('.') ?? ''
  const path = [prefix, inner].filter(Boolean).join('.') || '(root)'
  return { path, message: `${path}: ${issue?.message ?? 'invalid'}` }
}

/**
 * Parses `value` or throws `invalid_input` (400) naming the field and the rule.
 *
 * @example
 * const body = parseInput(sendMessageBodySchema, request.body)
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, prefix?: string): z.output<S> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const { path, message } = firstIssue(result.error, prefix)
  throw httpError(FlowErrorCode.invalid_input, message, { path })
}
