import type { FastifyInstance } from 'fastify'
import { openApiDocument } from '../openapi.js'
import type { RelayContext } from '../relay-context.js'

/**
 * `GET /healthz`, `GET /readyz` (storage reachable), `GET /metrics` (Prometheus) and `GET /openapi.json`.
 *
 * @example
 * app.register(operationsRoutes(context))
 */
export function operationsRoutes(context: RelayContext) {
  let document: Record<string, unknown> | undefined
  return (app: FastifyInstance, _opts: unknown, done: () => void) => {
    app.get('/healthz', () => ({ status: 'ok' }))
    app.get('/readyz', async (_request, reply) => {
      const ready = await context.storage.ready().catch(() => false)
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'storage unavailable' })
    })
    app.get('/metrics', (_request, reply) =>
      reply.type('text/plain; version=0.0.4; charset=utf-8').send(context.metrics.render()),
    )
    app.get('/openapi.json', () => (document ??= openApiDocument()))
    done()
  }
}
