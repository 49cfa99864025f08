import * as z from 'zod/mini'
import { maxChars } from '../schemas/max-chars.js'
import { threadIdSchema } from '../schemas/primitives.js'
import { EVENT_ID_PATTERN, EVENT_ID_RULE } from './event-id.js'
import { RelayLimits } from './limits.js'

/** A string of 1 to `max` characters. */
export const boundedString = (max: number) =>
  z.string().check(z.minLength(1, 'must not be empty'), ...maxChars(max))

/** The `{threadId}` path parameter of every thread route. */
export const threadParams = z.object({ threadId: threadIdSchema })

/** `?page=N` of paged lists: 1 (the newest) to `RelayLimits.maxPage`. */
export const pageQuery = z.object({
  page: z.optional(
    z.pipe(
      z.coerce.number(),
      z
        .int()
        .check(
          z.gte(1, 'must be at least 1'),
          z.lte(RelayLimits.maxPage, `must be at most ${RelayLimits.maxPage}`),
        ),
    ),
  ),
})

/** The answer of routes that only accept: `{}`. */
export const emptyAnswerSchema = z.object({})

/**
 * An event id on the wire (SSE `id`, `Last-Event-ID`, `?lastEventId=`, `eventId` of a send).
 *
 * @example
 * eventIdSchema.parse('1732170000000-0')
 */
export const eventIdSchema = z.string().check(z.regex(EVENT_ID_PATTERN, EVENT_ID_RULE))
