import * as z from 'zod/mini'
import { businessHoursSchema, historyPageSchema } from '../schemas/responses.js'
import { pageQuery, threadParams } from './fields.js'
import { defineRoute, RouteAuth } from './relay-route.js'
import { sendAcceptedSchema } from './send-accepted.js'
import { sendMessageBodySchema, uploadQuerySchema } from './send-message-body.js'

/**
 * `POST /v1/threads/{threadId}/messages`: send a message (JSON, or a multipart upload streamed to Flow.ai).
 * The role comes from the token; the answer comes after Flow.ai acked.
 *
 * @example
 * await callRelay(http, sendMessageRoute, { params: { threadId }, body: { type: 'text', text: 'Hi' } })
 */
export const sendMessageRoute = /* @__PURE__ */ defineRoute({
  operationId: 'sendMessage',
  method: 'POST',
  path: '/v1/threads/{threadId}/messages',
  tag: 'threads',
  summary: 'Send a message (role from the token)',
  description:
    'JSON, or `multipart/form-data` with a `query` part (the JSON message, type media, without `url`) before the `file` part.',
  auth: RouteAuth.thread,
  params: threadParams,
  body: sendMessageBodySchema,
  bodyRequired: true,
  multipartQuery: uploadQuerySchema,
  answers: {
    202: { description: 'Flow.ai acked it; the `sent` event is published', schema: sendAcceptedSchema },
  },
  errors: [400, 401, 403, 413, 415, 429, 502, 503],
})

/**
 * `GET /v1/threads/{threadId}/messages?page=N`: history, page 1 the newest. A visitor message the relay paired with
 * the send it stored carries the send's traceId as `meta.traceId` (so a client knows the send's `sent` echo and
 * the bot's answer as that message's), an event button's click its label as `payload.label`.
 *
 * @example
 * await callRelay(http, historyRoute, { params: { threadId }, query: { page: 1 } })
 */
export const historyRoute = /* @__PURE__ */ defineRoute({
  operationId: 'getHistory',
  method: 'GET',
  path: '/v1/threads/{threadId}/messages',
  tag: 'threads',
  summary: 'History (page 1 is the newest)',
  description:
    "Flow.ai's page, with what the relay's stored sends add: a visitor message paired with its send carries the " +
    "send's traceId as `meta.traceId` (optional; Flow.ai's history has none), an event response its `payload.label`.",
  auth: RouteAuth.thread,
  params: threadParams,
  query: pageQuery,
  answers: { 200: { description: 'A page of history', schema: historyPageSchema } },
  errors: [400, 401, 403, 429, 502, 503],
})

/**
 * `GET /v1/business-hours` answer: Flow.ai's hours as they are, and the relay's reading of them at the moment of
 * the answer (its clock, the hours' own time zones): whether the business is `open`, and when that next changes
 * (`nextChangeAt`, and `nextChangeInMs` from the answer on, so a client with a wrong clock asks again on time).
 * No next change: none in the week ahead, or no hours (always open).
 */
export const businessHoursAnswerSchema = z.looseObject({
  businessHours: z.array(businessHoursSchema),
  open: z.boolean(),
  nextChangeAt: z.optional(z.iso.datetime()),
  nextChangeInMs: z.optional(z.int().check(z.nonnegative())),
})
/** `GET /v1/business-hours` answer. */
export type BusinessHoursAnswer = z.output<typeof businessHoursAnswerSchema>

/**
 * `GET /v1/business-hours` (any valid token; Flow.ai's hours cached by the relay, whether open computed per answer).
 *
 * @example
 * const { open, nextChangeInMs } = await callRelay(http, businessHoursRoute, {})
 */
export const businessHoursRoute = /* @__PURE__ */ defineRoute({
  operationId: 'getBusinessHours',
  method: 'GET',
  path: '/v1/business-hours',
  tag: 'threads',
  summary: 'Business hours (cached), whether open now and when that changes',
  auth: RouteAuth.token,
  answers: { 200: { description: 'Business hours and whether open now', schema: businessHoursAnswerSchema } },
  errors: [401, 429, 502, 503],
})
