import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { FlowErrorCode } from '@flowchat/core'
import { healthRoute, metricsRoute, openApiRoute, readyRoute, relayRoutes } from '@flowchat/core/protocol'
import { bearerToken, secretEquals } from '../auth.js'
import { httpError } from '../http-error.js'
import type { RelayMetrics } from '../metrics.js'
import { openApiDocument } from '../openapi.js'
import type { RelayContext } from '../relay-context.js'
import { registerRoute } from '../register-route.js'

/**
 * Answers `GET /metrics`: with a metrics token, only to `Authorization: Bearer <token>` (compared in constant
 * time); without one, to anyone who reaches it.
 *
 * @example
 * app.get('/metrics', (request, reply) => serveMetrics(request, reply, metrics, token))
 */
export async function serveMetrics(
  request: FastifyRequest,
  reply: FastifyReply,
  metrics: RelayMetrics,
  token: string | undefined,
): Promise<FastifyReply> {
  if (token !== undefined) {
    if (!secretEquals(bearerToken(request.headers.authorization), token)) {
      throw httpError(
        FlowErrorCode.unauthorized,
        'Send the metrics token as `Authorization: Bearer <token>`.',
      )
    }
  }
  return reply.type(metrics.contentType).send(await metrics.render())
}

/**
 * `GET /healthz`, `GET /readyz` (storage reachable), `GET /metrics` (Prometheus; here unless the relay serves
 * it on its own port) and `GET /openapi.json` (generated from the protocol's route table).
 *
 * @example
 * app.register(operationsRoutes(context))
 */
export function operationsRoutes(context: RelayContext) {
  let document: Record<string, unknown> | undefined
  const deps = { tokens: context.tokens }
  return (app: FastifyInstance, _opts: unknown, done: () => void) => {
    registerRoute(app, healthRoute, deps, () => ({ status: 'ok' }))
    registerRoute(app, readyRoute, deps, async (_input, _request, reply) => {
      const ready = await context.storage.ready().catch(() => false)
      if (ready) return reply.code(200).send({ status: 'ready' })
      throw httpError(FlowErrorCode.unavailable, 'Storage unavailable.', { retryAfterSeconds: 5 })
    })
    if (context.settings.metricsOnMainPort) {
      registerRoute(app, metricsRoute, deps, (_input, request, reply) =>
        serveMetrics(request, reply, context.metrics, context.settings.metricsToken),
      )
    }
    // The document describes this port: `/metrics` is left out when it is served on a port of its own.
    const served = relayRoutes.filter((r) => context.settings.metricsOnMainPort || r !== metricsRoute)
    registerRoute(app, openApiRoute, deps, () => (document ??= openApiDocument(served)))
    done()
  }
}
