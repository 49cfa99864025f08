import * as z from 'zod'
import {
  relayErrorBodySchema,
  relayRoutes,
  RouteAuth,
  type RelayRoute,
  type RouteAnswer,
} from '@flowchat/core/protocol'

type Json = Record<string, unknown>

const jsonSchema = (schema: z.core.$ZodType, io: 'input' | 'output'): Json => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json
  return rest
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Invalid input: `path` names the field, `message` the rule',
  401: 'No token, or a malformed, forged or expired one',
  403: 'The token may not do this',
  404: 'Not found (or not enabled on this relay)',
  413: 'The body is larger than the relay accepts',
  414: 'The URL is too long',
  415: 'Unsupported content type',
  429: 'Rate limited: retry after `Retry-After` seconds',
  502: 'Flow.ai failed or rejected the relay',
  503: 'Unavailable (storage or Flow.ai): retry after `Retry-After` seconds',
}

const retryAfter = {
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 1 } },
}

/** Who may call: OpenAPI security requirements per `RouteAuth` (an empty object: no credential needed). */
function security(route: RelayRoute): Json[] {
  const query = route.accessTokenQuery ? [{ accessTokenQuery: [] }] : []
  switch (route.auth) {
    case RouteAuth.session:
      return [{}, { threadToken: [] }]
    case RouteAuth.operatorPassword:
      return [{ operatorPassword: [] }]
    case RouteAuth.token:
    case RouteAuth.thread:
      return [{ threadToken: [] }, { operatorToken: [] }, ...query]
    case RouteAuth.operator:
      return [{ operatorToken: [] }, ...query]
    case RouteAuth.metrics:
      return [{}, { metricsToken: [] }]
    default:
      // `none`, and `webhookSecret`: the secret is the `{secret}` path parameter.
      return []
  }
}

function parameters(route: RelayRoute): Json[] {
  const out: Json[] = []
  const add = (where: 'path' | 'query' | 'header', fields: z.core.$ZodType | undefined) => {
    if (!fields) return
    const schema = jsonSchema(fields, 'input') as { properties?: Record<string, Json>; required?: string[] }
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      // `?access_token=` is a security scheme (accessTokenQuery), not a parameter.
      if (where === 'query' && name === 'access_token') continue
      out.push({
        name,
        in: where,
        required: where === 'path' || (schema.required ?? []).includes(name),
        ...(where === 'path' && name === 'secret'
          ? {
              description: "The relay's webhook secret: it authenticates Flow.ai, compared in constant time.",
            }
          : {}),
        schema: property,
      })
    }
  }
  add('path', route.params)
  add('query', route.query)
  add('header', route.headers)
  return out
}

function requestBody(route: RelayRoute): Json | undefined {
  if (!route.body && !route.multipartQuery) return undefined
  const content: Json = {}
  if (route.body) content['application/json'] = { schema: jsonSchema(route.body, 'input') }
  if (route.multipartQuery) {
    content['multipart/form-data'] = {
      schema: {
        type: 'object',
        properties: {
          query: jsonSchema(route.multipartQuery, 'input'),
          file: { type: 'string', format: 'binary' },
        },
        required: ['query', 'file'],
      },
      encoding: { query: { contentType: 'application/json' } },
    }
  }
  return { required: route.bodyRequired === true, content }
}

function answer(a: RouteAnswer): Json {
  return {
    description: a.description,
    ...(a.schema
      ? { content: { [a.contentType ?? 'application/json']: { schema: jsonSchema(a.schema, 'output') } } }
      : {}),
  }
}

function responses(route: RelayRoute): Json {
  const out: Json = {}
  for (const [status, a] of Object.entries(route.answers)) if (a) out[status] = answer(a)
  for (const status of route.errors) {
    out[String(status)] = {
      description: STATUS_TEXT[status] ?? 'An error',
      ...(status === 429 || status === 503 ? { headers: retryAfter } : {}),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/RelayError' } } },
    }
  }
  return out
}

function operation(route: RelayRoute): Json {
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    ...(route.deprecated ? { deprecated: true } : {}),
    security: security(route),
    ...(route.params || route.query || route.headers ? { parameters: parameters(route) } : {}),
    ...(requestBody(route) ? { requestBody: requestBody(route) } : {}),
    responses: responses(route),
  }
}

const bearer = (description: string, bearerFormat?: string): Json => ({
  type: 'http',
  scheme: 'bearer',
  ...(bearerFormat ? { bearerFormat } : {}),
  description,
})

/**
 * The relay's OpenAPI 3.1 document, generated from the protocol's route table (`@flowchat/core/protocol`):
 * every route, parameter, body and answer, an `operationId` each, the error shape and the security schemes.
 *
 * @example
 * app.get('/openapi.json', () => openApiDocument())
 */
export function openApiDocument(routes: readonly RelayRoute[] = relayRoutes): Json {
  const paths: Record<string, Json> = {}
  for (const route of routes) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation(route) }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'flowchat relay',
      version: '0.1.0',
      description:
        'Flow.ai webhooks to per-thread Server-Sent Events, a send proxy that keeps the API key, visitor and operator auth. See docs/relay-protocol.md.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/', description: 'The relay itself' }],
    tags: [
      { name: 'sessions', description: 'Visitor and operator tokens' },
      { name: 'streams', description: 'Server-Sent Events, resumable' },
      { name: 'threads', description: 'Sends and history (thread token of that thread, or operator)' },
      { name: 'operator', description: 'Operator routes (operator token)' },
      { name: 'webhooks', description: "Flow.ai's webhook (secret in the path)" },
      { name: 'operations', description: 'Health, readiness, metrics, this document' },
    ],
    paths,
    components: {
      schemas: { RelayError: jsonSchema(relayErrorBodySchema, 'output') },
      securitySchemes: {
        threadToken: bearer(
          'A thread token (POST /v1/sessions): reads and writes its own thread only.',
          'JWT',
        ),
        operatorToken: bearer('An operator token (POST /v1/operator/sessions): every thread.', 'JWT'),
        operatorPassword: bearer("The relay's operator password, to get an operator token."),
        metricsToken: bearer("The relay's metrics token, when it has one."),
        accessTokenQuery: {
          type: 'apiKey',
          in: 'query',
          name: 'access_token',
          description:
            'A thread or operator token, for EventSource clients that cannot set headers (SSE GETs only).',
        },
      },
    },
  }
}
