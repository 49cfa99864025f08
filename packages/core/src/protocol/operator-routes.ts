import * as z from 'zod/mini'
import { threadIdSchema } from '../schemas/primitives.js'
import { threadsPageSchema, triggerEventsSchema } from '../schemas/responses.js'
import { boundedString, emptyAnswerSchema, pageQuery, threadParams } from './fields.js'
import { RelayLimits } from './limits.js'
import { defineRoute, RouteAuth } from './relay-route.js'

const accepted = { 202: { description: 'Accepted by Flow.ai', schema: emptyAnswerSchema } } as const
const operatorErrors = [400, 401, 403, 404, 429, 502, 503] as const

/** `GET /v1/threads/{threadId}/status` answer. */
export const botStatusAnswerSchema = z.looseObject({ threadId: threadIdSchema, isPaused: z.boolean() })

/** `POST /v1/threads/{threadId}/handover` body. */
export const handoverBodySchema = z.object({
  secondsToPause: z.optional(z.int().check(z.gt(0, 'must be greater than 0'))),
})

/** `POST /v1/threads/{threadId}/trigger` body. */
export const triggerBodySchema = z.object({ eventName: boundedString(RelayLimits.eventNameLength) })

/**
 * `GET /v1/threads?page=N`: threads, most recent first (operators).
 *
 * @example
 * await callRelay(http, threadsRoute, { query: { page: 1 } })
 */
export const threadsRoute = /* @__PURE__ */ defineRoute({
  operationId: 'listThreads',
  method: 'GET',
  path: '/v1/threads',
  tag: 'operator',
  summary: 'Threads (operators)',
  auth: RouteAuth.operator,
  query: pageQuery,
  answers: { 200: { description: 'A page of threads', schema: threadsPageSchema } },
  errors: [400, 401, 403, 429, 502, 503],
})

/**
 * `POST /v1/threads/{threadId}/pause`: pause the bot.
 *
 * @example
 * await callRelay(http, pauseRoute, { params: { threadId } })
 */
export const pauseRoute = /* @__PURE__ */ defineRoute({
  operationId: 'pauseBot',
  method: 'POST',
  path: '/v1/threads/{threadId}/pause',
  tag: 'operator',
  summary: 'Pause the bot',
  auth: RouteAuth.operator,
  params: threadParams,
  answers: accepted,
  errors: operatorErrors,
})

/**
 * `DELETE /v1/threads/{threadId}/pause`: resume the bot.
 *
 * @example
 * await callRelay(http, resumeRoute, { params: { threadId } })
 */
export const resumeRoute = /* @__PURE__ */ defineRoute({
  operationId: 'resumeBot',
  method: 'DELETE',
  path: '/v1/threads/{threadId}/pause',
  tag: 'operator',
  summary: 'Resume the bot',
  auth: RouteAuth.operator,
  params: threadParams,
  answers: accepted,
  errors: operatorErrors,
})

/**
 * `GET /v1/threads/{threadId}/status`: whether the bot is paused.
 *
 * @example
 * const { isPaused } = await callRelay(http, botStatusRoute, { params: { threadId } })
 */
export const botStatusRoute = /* @__PURE__ */ defineRoute({
  operationId: 'getBotStatus',
  method: 'GET',
  path: '/v1/threads/{threadId}/status',
  tag: 'operator',
  summary: 'Bot status',
  auth: RouteAuth.operator,
  params: threadParams,
  answers: { 200: { description: 'The bot status', schema: botStatusAnswerSchema } },
  errors: operatorErrors,
})

/**
 * `POST /v1/threads/{threadId}/handover`: hand the thread to a human.
 *
 * @example
 * await callRelay(http, handoverRoute, { params: { threadId }, body: { secondsToPause: 600 } })
 */
export const handoverRoute = /* @__PURE__ */ defineRoute({
  operationId: 'handover',
  method: 'POST',
  path: '/v1/threads/{threadId}/handover',
  tag: 'operator',
  summary: 'Hand over to a human',
  auth: RouteAuth.operator,
  params: threadParams,
  body: handoverBodySchema,
  answers: accepted,
  errors: operatorErrors,
})

/**
 * `POST /v1/threads/{threadId}/takeover` (deprecated upstream).
 *
 * @example
 * await callRelay(http, takeoverRoute, { params: { threadId } })
 */
export const takeoverRoute = /* @__PURE__ */ defineRoute({
  operationId: 'takeover',
  method: 'POST',
  path: '/v1/threads/{threadId}/takeover',
  tag: 'operator',
  summary: 'Take over (deprecated upstream)',
  auth: RouteAuth.operator,
  params: threadParams,
  answers: accepted,
  errors: operatorErrors,
  deprecated: true,
})

/**
 * `GET /v1/trigger-events`: the project's trigger event names.
 *
 * @example
 * const { items } = await callRelay(http, triggerEventsRoute, {})
 */
export const triggerEventsRoute = /* @__PURE__ */ defineRoute({
  operationId: 'listTriggerEvents',
  method: 'GET',
  path: '/v1/trigger-events',
  tag: 'operator',
  summary: 'Trigger event names',
  auth: RouteAuth.operator,
  answers: { 200: { description: 'The names', schema: triggerEventsSchema } },
  errors: [401, 403, 429, 502, 503],
})

/**
 * `POST /v1/threads/{threadId}/trigger`: trigger an event in a thread.
 *
 * @example
 * await callRelay(http, triggerRoute, { params: { threadId }, body: { eventName: 'welcome' } })
 */
export const triggerRoute = /* @__PURE__ */ defineRoute({
  operationId: 'triggerEvent',
  method: 'POST',
  path: '/v1/threads/{threadId}/trigger',
  tag: 'operator',
  summary: 'Trigger an event',
  auth: RouteAuth.operator,
  params: threadParams,
  body: triggerBodySchema,
  bodyRequired: true,
  answers: accepted,
  errors: operatorErrors,
})
