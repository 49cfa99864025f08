import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify'
import type * as z from 'zod/mini'
import { FlowErrorCode, safeParse } from '@flowchat/core'
import { RouteAuth, type RelayRoute } from '@flowchat/core/protocol'
import { authenticate, authorizeThread, requireOperator } from './auth.js'
import { httpError } from './http-error.js'
import type { Principal, TokenService } from './token-service.js'

type Out<S> = S extends z.ZodMiniType ? z.output<S> : undefined
type Authenticated = typeof RouteAuth.token | typeof RouteAuth.thread | typeof RouteAuth.operator

/** What a route handler gets: its path parameters, query and body validated by the table, and the caller. */
export interface ValidatedInput<R extends RelayRoute> {
  params: Out<R['params']>
  query: Out<R['query']>
  /** Undefined for a multipart request (the route reads it) and for an absent optional body. */
  body: Out<R['body']> | undefined
  /** The token's principal on routes that need a token. */
  who: R['auth'] extends Authenticated ? Principal : undefined
}

export interface RegisterRouteOptions {
  tokens: TokenService
  /** Fastify route options (a body limit). */
  fastify?: RouteShorthandOptions
  /** The route validates its body itself (webhooks: raw bytes, read by `decodeWebhookHead`). */
  rawBody?: boolean
}

/** `/v1/threads/{threadId}` → `/v1/threads/:threadId`. */
export function fastifyPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1')
}

/**
 * Parses `value` with a protocol schema or throws `invalid_input` (400) naming the field and the rule.
 *
 * @example
 * const query = parseInput(uploadQuerySchema, JSON.parse(field), 'query')
 */
export function parseInput<S extends z.ZodMiniType>(schema: S, value: unknown, prefix?: string): z.output<S> {
  const parsed = safeParse(schema, value)
  if (parsed.ok) return parsed.value
  const first = parsed.issues[0]
  const inner = first && first.path !== '(root)' ? first.path : ''
  const path = [prefix, inner].filter(Boolean).join('.') || '(root)'
  throw httpError(FlowErrorCode.invalid_input, `${path}: ${first?.message ?? 'invalid'}`, { path })
}

/**
 * Registers one route of the protocol's table: Fastify's method and path come from it, then, in this order,
 * its path parameters are validated, the caller authenticated (`auth`: token, thread, operator), a thread token
 * checked against `{threadId}`, and the query and body validated. The handler gets typed, validated input.
 * Routes whose auth is their own (sessions, webhooks, metrics) check it in the handler.
 *
 * @example
 * registerRoute(app, pauseRoute, { tokens }, async ({ params }, request, reply) => reply.code(202).send({}))
 */
export function registerRoute<R extends RelayRoute>(
  app: FastifyInstance,
  route: R,
  options: RegisterRouteOptions,
  handler: (input: ValidatedInput<R>, request: FastifyRequest, reply: FastifyReply) => unknown,
): void {
  const { tokens } = options
  const needsToken =
    route.auth === RouteAuth.token || route.auth === RouteAuth.thread || route.auth === RouteAuth.operator
  const multipart = route.multipartQuery !== undefined

  app.route({
    ...options.fastify,
    method: route.method,
    url: fastifyPath(route.path),
    handler: async (request, reply) => {
      const params = route.params ? parseInput(route.params, request.params ?? {}) : undefined
      let who: Principal | undefined
      if (needsToken) {
        who = authenticate(request, tokens, route.accessTokenQuery === true)
        if (route.auth === RouteAuth.operator) requireOperator(who)
        if (route.auth === RouteAuth.thread) {
          authorizeThread(who, (params as { threadId: string } | undefined)?.threadId ?? '')
        }
      }
      const query = route.query ? parseInput(route.query, singleValued(request.query)) : undefined
      let body: unknown
      const isMultipart =
        multipart && request.headers['content-type']?.toLowerCase().startsWith('multipart/form-data')
      if (route.body && !options.rawBody && !isMultipart) {
        if (request.body === undefined || request.body === null) {
          if (route.bodyRequired) {
            throw httpError(FlowErrorCode.invalid_input, '(root): a JSON body is required', {
              path: '(root)',
            })
          }
          body = parseInput(route.body, {})
        } else {
          body = parseInput(route.body, request.body)
        }
      }
      return handler({ params, query, body, who } as ValidatedInput<R>, request, reply)
    },
  })
}

/**
 * The query as the route's schema reads it, or 400 naming a parameter given more than once (`?page=1&page=2`):
 * no route takes a list, and the schema would only say that a list is not a number.
 */
function singleValued(query: unknown): unknown {
  for (const [key, value] of Object.entries(query ?? {})) {
    if (Array.isArray(value)) {
      throw httpError(FlowErrorCode.invalid_input, `${key}: must be given once`, { path: key })
    }
  }
  return query ?? {}
}
