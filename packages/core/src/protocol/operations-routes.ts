import * as z from 'zod/mini'
import { defineRoute, RouteAuth } from './relay-route.js'

/** `{"status":…}`: the answer of health, readiness and the webhook probe. */
export const statusAnswerSchema = z.looseObject({ status: z.string() })

/** `POST /webhooks/{secret}` answer: stored (or already stored: a retried delivery). */
export const webhookStoredSchema = z.looseObject({ status: z.literal('ok'), duplicate: z.boolean() })

/** The secret path segment of the webhook URL. */
export const webhookParams = z.object({ secret: z.string().check(z.minLength(1, 'must not be empty')) })

/** A Flow.ai webhook event, as documented (the relay parses it with `parseWebhookEvent`). */
export const webhookBodySchema = z.looseObject({ type: z.string() })

/**
 * `POST /webhooks/{secret}`: Flow.ai's events, answered 2xx only once stored.
 *
 * @example
 * await fetch(relay.webhookUrl, { method: 'POST', body: JSON.stringify(event) })
 */
export const webhookRoute = /* @__PURE__ */ defineRoute({
  operationId: 'receiveWebhook',
  method: 'POST',
  path: '/webhooks/{secret}',
  tag: 'webhooks',
  summary: "Flow.ai's webhook events",
  description:
    'The secret in the path authenticates Flow.ai (compared in constant time). 2xx only once the event is stored; 503 with Retry-After when storage fails, so Flow.ai retries. A retried delivery is stored once.',
  auth: RouteAuth.webhookSecret,
  params: webhookParams,
  body: webhookBodySchema,
  bodyRequired: true,
  answers: { 200: { description: 'Stored', schema: webhookStoredSchema } },
  errors: [400, 404, 413, 503],
})

/**
 * `GET /webhooks/{secret}`: answers Flow.ai's probe.
 *
 * @example
 * await fetch(relay.webhookUrl)
 */
export const webhookProbeRoute = /* @__PURE__ */ defineRoute({
  operationId: 'probeWebhook',
  method: 'GET',
  path: '/webhooks/{secret}',
  tag: 'webhooks',
  summary: "Flow.ai's probe of the webhook URL",
  auth: RouteAuth.webhookSecret,
  params: webhookParams,
  answers: { 200: { description: 'The URL is right', schema: statusAnswerSchema } },
  errors: [404],
})

/**
 * `GET /healthz`: liveness.
 *
 * @example
 * await fetch(`${relayUrl}/healthz`)
 */
export const healthRoute = /* @__PURE__ */ defineRoute({
  operationId: 'getHealth',
  method: 'GET',
  path: '/healthz',
  tag: 'operations',
  summary: 'Liveness',
  auth: RouteAuth.none,
  answers: { 200: { description: 'Alive', schema: statusAnswerSchema } },
  errors: [404],
})

/**
 * `GET /readyz`: storage reachable.
 *
 * @example
 * await fetch(`${relayUrl}/readyz`)
 */
export const readyRoute = /* @__PURE__ */ defineRoute({
  operationId: 'getReadiness',
  method: 'GET',
  path: '/readyz',
  tag: 'operations',
  summary: 'Readiness: storage reachable',
  auth: RouteAuth.none,
  answers: { 200: { description: 'Ready', schema: statusAnswerSchema } },
  errors: [503],
})

/**
 * `GET /metrics`: Prometheus text, behind a bearer token when the relay has a metrics token.
 *
 * @example
 * await fetch(`${relayUrl}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })
 */
export const metricsRoute = /* @__PURE__ */ defineRoute({
  operationId: 'getMetrics',
  method: 'GET',
  path: '/metrics',
  tag: 'operations',
  summary: 'Prometheus metrics (relay, process and Node runtime)',
  auth: RouteAuth.metrics,
  answers: {
    200: { description: 'Prometheus text format 0.0.4', contentType: 'text/plain', schema: z.string() },
  },
  errors: [401, 404],
})

/**
 * `GET /openapi.json`: this table as an OpenAPI 3.1 document.
 *
 * @example
 * await fetch(`${relayUrl}/openapi.json`)
 */
export const openApiRoute = /* @__PURE__ */ defineRoute({
  operationId: 'getOpenApi',
  method: 'GET',
  path: '/openapi.json',
  tag: 'operations',
  summary: 'This API as an OpenAPI 3.1 document',
  auth: RouteAuth.none,
  answers: {
    200: { description: 'The OpenAPI document', schema: z.record(z.string(), z.unknown()) },
  },
  errors: [404],
})
