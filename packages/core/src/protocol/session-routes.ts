import * as z from 'zod/mini'
import { boundedString } from './fields.js'
import { RelayLimits } from './limits.js'
import { defineRoute, RouteAuth } from './relay-route.js'
import { operatorSessionSchema, sessionSchema } from './session.js'

/** `POST /v1/sessions` and `POST /v1/operator/sessions` body: an optional display name. */
export const sessionBodySchema = /* @__PURE__ */ z.object({
  name: z.optional(boundedString(RelayLimits.nameLength)),
})

/**
 * `POST /v1/sessions`: a new anonymous thread and its token (201), or a fresh token for a thread token that is
 * valid or expired within the refresh grace (200).
 *
 * @example
 * await callRelay(http, createSessionRoute, { body: { name: 'Ann' } })
 */
export const createSessionRoute = /* @__PURE__ */ defineRoute({
  operationId: 'createSession',
  method: 'POST',
  path: '/v1/sessions',
  tag: 'sessions',
  summary: 'A new anonymous thread and token (201), or a fresh token for a thread token (200)',
  auth: RouteAuth.session,
  body: sessionBodySchema,
  answers: {
    200: { description: 'A fresh token for the same thread', schema: sessionSchema },
    201: { description: 'A new thread and its token', schema: sessionSchema },
  },
  errors: [400, 401, 403, 429],
})

/**
 * `POST /v1/operator/sessions`: an operator token for the operator password (sent as Bearer).
 *
 * @example
 * await callRelay(http, createOperatorSessionRoute, { body: {} }, { token: password })
 */
export const createOperatorSessionRoute = /* @__PURE__ */ defineRoute({
  operationId: 'createOperatorSession',
  method: 'POST',
  path: '/v1/operator/sessions',
  tag: 'sessions',
  summary: 'An operator token for the operator password (sent as Bearer)',
  auth: RouteAuth.operatorPassword,
  body: sessionBodySchema,
  answers: { 201: { description: 'An operator token', schema: operatorSessionSchema } },
  errors: [400, 401, 404, 429],
})
