import { createHash, randomUUID, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { FlowErrorCode } from '@flowchat/core'
import { bearerOf } from '../auth.js'
import { httpError } from '../http-error.js'
import type { RelayContext } from '../relay-context.js'
import { operatorSessionBodySchema, parseInput, sessionBodySchema } from '../request-schemas.js'

const digest = (value: string) => createHash('sha256').update(value).digest()

/**
 * `POST /v1/sessions` (a new anonymous thread and its token, or a fresh token for a thread token that is valid
 * or expired less than 24 h ago) and `POST /v1/operator/sessions` (operator password → operator token).
 *
 * @example
 * app.register(sessionRoutes(context))
 */
export function sessionRoutes(context: RelayContext) {
  const { tokens, settings } = context

  function limit(request: FastifyRequest): void {
    const r = context.limits.sessionsPerIp.take(request.ip)
    if (!r.allowed) {
      throw httpError(FlowErrorCode.rate_limited, 'Too many sessions from this address; retry later.', {
        retryAfterSeconds: r.retryAfterSeconds,
      })
    }
  }

  return (app: FastifyInstance, _opts: unknown, done: () => void) => {
    app.post('/v1/sessions', async (request, reply) => {
      limit(request)
      const body = parseInput(sessionBodySchema, request.body ?? {})
      const presented = bearerOf(request)
      if (presented !== undefined) {
        const who = await tokens.verifyForRefresh(presented)
        if (who.scope !== 'thread')
          throw httpError(FlowErrorCode.forbidden, 'Only thread tokens are refreshed.')
        const name = body.name ?? who.name
        const { token, expiresAt } = await tokens.issue({ threadId: who.threadId, ...(name ? { name } : {}) })
        return reply.code(200).send({ threadId: who.threadId, token, expiresAt: expiresAt.toISOString() })
      }
      if (!settings.anonymousSessions) {
        throw httpError(
          FlowErrorCode.forbidden,
          'Anonymous sessions are disabled on this relay: get a thread token from the site that embeds the chat.',
        )
      }
      const threadId = randomUUID()
      const { token, expiresAt } = await tokens.issue({ threadId, ...(body.name ? { name: body.name } : {}) })
      return reply.code(201).send({ threadId, token, expiresAt: expiresAt.toISOString() })
    })

    app.post('/v1/operator/sessions', async (request, reply) => {
      if (settings.operatorPassword === undefined) {
        throw httpError(FlowErrorCode.not_found, 'Operator sessions are not enabled on this relay.')
      }
      limit(request)
      const presented = bearerOf(request)
      if (presented === undefined || !timingSafeEqual(digest(presented), digest(settings.operatorPassword))) {
        throw httpError(
          FlowErrorCode.unauthorized,
          'Send the operator password as `Authorization: Bearer <password>`.',
        )
      }
      const body = parseInput(operatorSessionBodySchema, request.body ?? {})
      const { token, expiresAt } = await tokens.issue({ operator: body.name ?? 'operator' })
      return reply.code(201).send({ token, expiresAt: expiresAt.toISOString() })
    })
    done()
  }
}
