import * as z from 'zod/mini'
import { EventOrigin } from './envelope.js'
import { eventIdSchema, threadParams } from './fields.js'
import type { StreamHello } from './heartbeat.js'
import { defineRoute, RouteAuth } from './relay-route.js'

/** The query of both SSE routes: where to resume, and the token for clients that cannot set headers. */
export const streamQuerySchema = z.object({
  lastEventId: z.optional(eventIdSchema),
  access_token: z.optional(z.string()),
})

/** The headers both SSE routes read: `Last-Event-ID` (sent by EventSource on every reconnect) wins. */
export const streamHeadersSchema = z.object({ 'Last-Event-ID': z.optional(eventIdSchema) })

/**
 * The SSE `data` of every relay event.
 *
 * @example
 * const r = safeParse(envelopeSchema, JSON.parse(message.data))
 */
export const envelopeSchema = z.looseObject({
  id: eventIdSchema,
  threadId: z.nullable(z.string()),
  kind: z.string(),
  type: z.string(),
  receivedAt: z.string(),
  source: z.enum([EventOrigin.webhook, EventOrigin.visitor, EventOrigin.operator]),
  body: z.unknown(),
})

/**
 * The `data` of the `hello` frame: `heartbeatMs` is the interval in ms. A client ignores a value that is not a
 * positive number (checked by `stallTimeoutMs` users, not here: zod's number checks would cost the widget's
 * bundle about 0.6 KB gzip).
 *
 * @example
 * const hello = safeParse(streamHelloSchema, JSON.parse(event.data)) // { ok: true, value: { heartbeatMs: 15000 } }
 */
export const streamHelloSchema = z.looseObject({
  heartbeatMs: z.number(),
}) satisfies z.ZodMiniType<StreamHello>

const sse = {
  description:
    'Server-Sent Events: `id` (event id), `event` (the kind, or `reset`), `data` (an envelope). A `retry:` line first, a `: hb` comment every heartbeat.',
  contentType: 'text/event-stream',
  schema: envelopeSchema,
} as const

/**
 * `GET /v1/threads/{threadId}/events`: one thread's events, resumable.
 *
 * @example
 * new EventSource(http.url(routePath(threadEventsRoute, { threadId })))
 */
export const threadEventsRoute = /* @__PURE__ */ defineRoute({
  operationId: 'streamThreadEvents',
  method: 'GET',
  path: '/v1/threads/{threadId}/events',
  tag: 'streams',
  summary: "One thread's events (SSE), resumable with Last-Event-ID",
  auth: RouteAuth.thread,
  accessTokenQuery: true,
  params: threadParams,
  query: streamQuerySchema,
  headers: streamHeadersSchema,
  answers: { 200: sse },
  errors: [400, 401, 403, 429],
})

/**
 * `GET /v1/events`: every thread's events and project events (operators), resumable.
 *
 * @example
 * new EventSource(http.url(allEventsRoute.path))
 */
export const allEventsRoute = /* @__PURE__ */ defineRoute({
  operationId: 'streamAllEvents',
  method: 'GET',
  path: '/v1/events',
  tag: 'streams',
  summary: 'Every event (SSE, operators), resumable with Last-Event-ID',
  auth: RouteAuth.operator,
  accessTokenQuery: true,
  query: streamQuerySchema,
  headers: streamHeadersSchema,
  answers: { 200: sse },
  errors: [400, 401, 403, 429],
})
