import * as z from 'zod/mini'
import { threadIdSchema } from '../schemas/primitives.js'

// Answers only, apart from the routes and bodies: a client that reads a session pulls nothing else.

/** `POST /v1/sessions` answer. */
export const sessionSchema = z.looseObject({
  threadId: threadIdSchema,
  token: z.string(),
  expiresAt: z.string(),
})
export type Session = z.output<typeof sessionSchema>

/** `POST /v1/operator/sessions` answer. */
export const operatorSessionSchema = z.looseObject({ token: z.string(), expiresAt: z.string() })
export type OperatorSession = z.output<typeof operatorSessionSchema>
