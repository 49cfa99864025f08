import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { FlowErrorCode, safeParse, threadIdSchema } from '@flowchat/core'
import { createOperatorSessionRoute, createSessionRoute } from '@flowchat/core/protocol'
import { bearerOf, secretEquals } from '../auth.js'
import { httpError } from '../http-error.js'
import type { RelayContext } from '../relay-context.js'
import { registerRoute } from '../register-route.js'

/**
 * `POST /v1/sessions` (a new anonymous thread and its token, or a fresh token for a thread token that is valid
 * or expired less than 24 h ago) and `POST /v1/operator/sessions` (operator password → operator token).
 *
 * @example
 * app.register(sessionRoutes(context))
 */
export function sessionRoutes(context: RelayContext) {
  const { tokens, settings } = context

  const deps = { tokens }
  const limitMessage = 'Too many sessions from this address; retry later.'

  return (app: FastifyInstance, _opts: unknown, done: () => void) => {
    registerRoute(app, createSessionRoute, deps, async ({ body = {} }, request, reply) => {
      await context.limits.take('sessionsPerIp', request, reply, request.ip, limitMessage)
      const presented = bearerOf(request)
      if (presented !== undefined) {
        const who = tokens.verifyForRefresh(presented)
        if (who.scope !== 'thread')
          throw httpError(FlowErrorCode.forbidden, 'Only thread tokens are refreshed.')
        // A token for a thread id every other route refuses is never renewed.
        if (!safeParse(threadIdSchema, who.threadId).ok) {
          throw httpError(FlowErrorCode.forbidden, 'This token is for a thread id the relay does not serve.')
        }
        const name = body.name ?? who.name
        const { token, expiresAt } = tokens.issue({ threadId: who.threadId, ...(name ? { name } : {}) })
        return reply.code(200).send({ threadId: who.threadId, token, expiresAt: expiresAt.toISOString() })
      }
      if (!settings.anonymousSessions) {
        throw httpError(
          FlowErrorCode.forbidden,
          'Anonymous sessions are disabled on this relay: get a thread token from the site that embeds the chat.',
        )
      }
      const threadId = randomUUID()
      const { token, expiresAt } = tokens.issue({ threadId, ...(body.name ? { name: body.name } : {}) })
      return reply.code(201).send({ threadId, token, expiresAt: expiresAt.toISOString() })
    })

    registerRoute(app, createOperatorSessionRoute, deps, async ({ body = {} }, request, reply) => {
      if (settings.operatorPassword === undefined) {
        throw httpError(FlowErrorCode.not_found, 'Operator sessions are not enabled on this relay.')
      }
      await context.limits.take('sessionsPerIp', request, reply, request.ip, limitMessage)
      const presented = bearerOf(request)
      if (!secretEquals(presented, settings.operatorPassword)) {
        throw httpError(
          FlowErrorCode.unauthorized,
          'Send the operator password as `Authorization: Bearer <password>`.',
        )
      }
      const { token, expiresAt } = tokens.issue({ operator: body.name ?? 'operator' })
      return reply.code(201).send({ token, expiresAt: expiresAt.toISOString() })
    })
    done()
  }
}
