import * as z from 'zod/mini'
import { eventIdSchema } from './fields.js'

// The answer only, apart from the send body: a client that reads it pulls none of the body's rules.

/** `POST /v1/threads/{threadId}/messages` answer: the traceId, and the `sent` event's id once stored. */
export const sendAcceptedSchema = z.looseObject({ traceId: z.string(), eventId: z.optional(eventIdSchema) })
export type SendAccepted = z.output<typeof sendAcceptedSchema>
