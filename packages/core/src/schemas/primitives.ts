import * as z from 'zod/mini'
import { MAX_COORDINATE_LENGTH, MAX_TEXT_LENGTH, MAX_THREAD_ID_LENGTH } from './limits.js'
import { maxChars } from './max-chars.js'

export { MAX_COORDINATE_LENGTH, MAX_TEXT_LENGTH, MAX_THREAD_ID_LENGTH }

/**
 * A thread id, the one rule for every route, webhook and REST call: 1 to 256 characters, no control
 * characters, no unpaired surrogates, and not `.` or `..` (a path segment that would address another Flow.ai
 * URL). Ids may contain `|`, so they are always URL-encoded in paths.
 *
 * @example
 * threadIdSchema.parse('a4ad8a02|o_21361542') // ok
 */
export const threadIdSchema = z.string().check(
  z.minLength(1, 'must not be empty'),
  ...maxChars(MAX_THREAD_ID_LENGTH),
  // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
  z.regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters'),
  z.refine((id) => id !== '.' && id !== '..', 'must not be "." or ".."'),
  // A lone surrogate has no UTF-8 form: Redis would file it under U+FFFD (with every other such id) and a Flow.ai
  // URL could not be encoded.
  z.refine((id) => !/\p{Cs}/u.test(id), 'must not contain unpaired surrogates'),
)

/** Documented as a number, carried as a string by real replies: both are read, as a string. */
export const traceIdSchema = z.pipe(
  z.union([z.string().check(z.minLength(1), ...maxChars(128)), z.number()]),
  z.transform((v) => String(v)),
)

/**
 * Coordinates are strings in every example; numbers are read too (finite ones: zod's `number` refuses NaN and
 * Infinity). `readCoordinate` is the same rule without a schema library, for the browser's send and read paths.
 */
export const coordinateSchema = z.pipe(
  z.union([z.string().check(z.minLength(1), ...maxChars(MAX_COORDINATE_LENGTH)), z.number()]),
  z.transform((v) => String(v)),
)

/** A number that some replies send as a string (`"page": "1"`). */
export const looseIntSchema = z.pipe(
  z.union([z.number(), z.string().check(z.regex(/^\d+$/, 'must be a whole number'))]),
  z.transform((v) => Number(v)),
)

/** Optional profile of an originator: every documented field, plus `language` and `phoneNumber`. */
export const profileSchema = z.looseObject({
  fullName: z.optional(z.string()),
  firstName: z.optional(z.string()),
  lastName: z.optional(z.string()),
  gender: z.optional(z.string()),
  locale: z.optional(z.string()),
  timezone: z.optional(z.number()),
  country: z.optional(z.string()),
  email: z.optional(z.string()),
  picture: z.optional(z.string()),
  language: z.optional(z.string()),
  phoneNumber: z.optional(z.string()),
})

/** Roles a sender may claim: `external` (a visitor) or `moderator` (a human agent). */
export const SenderRole = { external: 'external', moderator: 'moderator' } as const
export type SenderRole = (typeof SenderRole)[keyof typeof SenderRole]

/**
 * The originator as read from Flow.ai: any role string (`bot`, `user`, … appear in replies).
 */
export const originatorSchema = z.looseObject({
  name: z.optional(z.string()),
  role: z.optional(z.string()),
  profile: z.optional(profileSchema),
  metadata: z.optional(z.record(z.string(), z.unknown())),
})

/** The originator as sent: a name and a role of `external` or `moderator`. */
export const sendOriginatorSchema = z.object({
  name: z.string().check(z.minLength(1, 'must not be empty'), ...maxChars(200)),
  role: z.enum([SenderRole.external, SenderRole.moderator]),
  profile: z.optional(profileSchema),
  metadata: z.optional(z.record(z.string(), z.unknown())),
})

export type Profile = z.infer<typeof profileSchema>
export type Originator = z.infer<typeof originatorSchema>
export type SendOriginator = z.infer<typeof sendOriginatorSchema>
