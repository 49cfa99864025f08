import type { FastifyInstance } from 'fastify'
import {
  botStatusRoute,
  handoverRoute,
  pauseRoute,
  resumeRoute,
  takeoverRoute,
  threadsRoute,
  triggerEventsRoute,
  triggerRoute,
} from '@flowchat/core/protocol'
import { upstream } from '../http-error.js'
import type { RelayContext } from '../relay-context.js'
import { registerRoute } from '../register-route.js'

/**
 * Operator routes (operator token): threads list, pause/resume/status, handover, takeover, trigger events.
 * Sending as a moderator is the thread send route with an operator token.
 *
 * @example
 * app.register(operatorRoutes(context))
 */
export function operatorRoutes(context: RelayContext) {
  const { rest } = context
  const deps = { tokens: context.tokens }

  return (app: FastifyInstance, _opts: unknown, done: () => void) => {
    registerRoute(app, threadsRoute, deps, ({ query }) => upstream(() => rest.getThreads(query.page ?? 1)))
    registerRoute(app, pauseRoute, deps, async ({ params }, _request, reply) => {
      await upstream(() => rest.pause(params.threadId))
      return reply.code(202).send({})
    })
    registerRoute(app, resumeRoute, deps, async ({ params }, _request, reply) => {
      await upstream(() => rest.resume(params.threadId))
      return reply.code(202).send({})
    })
    registerRoute(app, botStatusRoute, deps, async ({ params }) => {
      const status = await upstream(() => rest.getBotStatus(params.threadId))
      return { threadId: params.threadId, isPaused: status.isPaused }
    })
    registerRoute(app, handoverRoute, deps, async ({ params, body }, _request, reply) => {
      await upstream(() => rest.handover(params.threadId, body?.secondsToPause))
      return reply.code(202).send({})
    })
    registerRoute(app, takeoverRoute, deps, async ({ params }, _request, reply) => {
      await upstream(() => rest.takeover(params.threadId))
      return reply.code(202).send({})
    })
    registerRoute(app, triggerEventsRoute, deps, async () => ({
      items: await upstream(() => rest.getTriggerEvents()),
    }))
    registerRoute(app, triggerRoute, deps, async ({ params, body }, _request, reply) => {
      const { eventName } = body as { eventName: string }
      await upstream(() => rest.triggerEvent(params.threadId, eventName))
      return reply.code(202).send({})
    })
    done()
  }
}
