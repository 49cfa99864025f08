import type { FastifyInstance, FastifyRequest } from 'fastify'
import { authenticate, requireOperator } from '../auth.js'
import { upstream } from '../http-error.js'
import type { RelayContext } from '../relay-context.js'
import { handoverBodySchema, pageQuerySchema, parseInput, triggerBodySchema } from '../request-schemas.js'
import { threadIdParam } from './thread-id.js'

type ThreadRequest = FastifyRequest<{ Params: { threadId: string } }>

/**
 * Operator routes (operator token): threads list, pause/resume/status, handover, takeover, trigger events.
 * Sending as a moderator is the thread send route with an operator token.
 *
 * @example
 * app.register(operatorRoutes(context))
 */
export function operatorRoutes(context: RelayContext) {
  const { rest } = context

  async function operator(request: FastifyRequest): Promise<void> {
    requireOperator(await authenticate(request, context.tokens))
  }
  async function thread(request: ThreadRequest): Promise<string> {
    const threadId = threadIdParam(request.params.threadId)
    await operator(request)
    return threadId
  }

  return (app: FastifyInstance, _opts: unknown, done: () => void) => {
    app.get('/v1/threads', async (request) => {
      await operator(request)
      const { page } = parseInput(pageQuerySchema, request.query ?? {})
      return upstream(() => rest.getThreads(page ?? 1))
    })
    app.post('/v1/threads/:threadId/pause', async (request: ThreadRequest, reply) => {
      const threadId = await thread(request)
      await upstream(() => rest.pause(threadId))
      return reply.code(202).send({})
    })
    app.delete('/v1/threads/:threadId/pause', async (request: ThreadRequest, reply) => {
      const threadId = await thread(request)
      await upstream(() => rest.resume(threadId))
      return reply.code(202).send({})
    })
    app.get('/v1/threads/:threadId/status', async (request: ThreadRequest) => {
      const threadId = await thread(request)
      const status = await upstream(() => rest.getBotStatus(threadId))
      return { threadId, isPaused: status.isPaused }
    })
    app.post('/v1/threads/:threadId/handover', async (request: ThreadRequest, reply) => {
      const threadId = await thread(request)
      const { secondsToPause } = parseInput(handoverBodySchema, request.body ?? {})
      await upstream(() => rest.handover(threadId, secondsToPause))
      return reply.code(202).send({})
    })
    app.post('/v1/threads/:threadId/takeover', async (request: ThreadRequest, reply) => {
      const threadId = await thread(request)
      await upstream(() => rest.takeover(threadId))
      return reply.code(202).send({})
    })
    app.get('/v1/trigger-events', async (request) => {
      await operator(request)
      return { items: await upstream(() => rest.getTriggerEvents()) }
    })
    app.post('/v1/threads/:threadId/trigger', async (request: ThreadRequest, reply) => {
      const threadId = await thread(request)
      const { eventName } = parseInput(triggerBodySchema, request.body ?? {})
      await upstream(() => rest.triggerEvent(threadId, eventName))
      return reply.code(202).send({})
    })
    done()
  }
}
