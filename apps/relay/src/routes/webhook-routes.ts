import type { FastifyInstance } from 'fastify'
import { webhookProbeRoute, webhookRoute } from '@flowchat/core/protocol'
import type { RelayContext } from '../relay-context.js'
import { registerRoute } from '../register-route.js'
import { webhookAnswer, webhookNotFound, type WebhookIngest } from '../webhook-ingest.js'

/**
 * `POST /webhooks/:secret` stores Flow.ai's events; `GET` answers Flow.ai's probe.
 *
 * The rules (secret, limits, decoding, dedupe, 503 on storage failure) are `ingest`'s; the relay's fast path
 * (webhook-fast-path.ts) answers the common POST ahead of Fastify with the same rules, and leaves every other
 * request shape to these routes.
 *
 * @example
 * app.register(webhookRoutes(context, createWebhookIngest(context)))
 */
export function webhookRoutes(context: RelayContext, ingest: WebhookIngest) {
  const { settings } = context

  return (app: FastifyInstance, _opts: unknown, done: () => void) => {
    // Raw bytes: they are hashed for the dedupe key, and invalid JSON must be our 400, not a parser crash.
    app.removeAllContentTypeParsers()
    app.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: settings.bodyLimitBytes },
      (_r, body, next) => next(null, body),
    )

    // A body over the limit is refused by Fastify before the route (and `ingest`) runs: counted here, for the right
    // secret only, so that `rejected_total{reason="too_large"}` shows Flow.ai's events bouncing off --body-limit.
    app.addHook('onError', (request, _reply, error, done) => {
      const secret = (request.params as { secret?: unknown } | undefined)?.secret
      if (
        (error as { code?: unknown }).code === 'FST_ERR_CTP_BODY_TOO_LARGE' &&
        typeof secret === 'string' &&
        ingest.secretMatches(secret)
      ) {
        context.metrics.webhookRejected('too_large')
      }
      done()
    })

    // Webhooks are server to server: no CORS on them (no browser page may read their answers), so this route
    // and the fast path, which never runs the CORS hook, answer alike whatever origins are configured.
    const deps = { tokens: context.tokens, fastify: { config: { cors: false as const } } }
    registerRoute(app, webhookProbeRoute, deps, ({ params }, _request, reply) => {
      if (!ingest.secretMatches(params.secret)) throw webhookNotFound()
      return reply.code(200).send({ status: 'ok' })
    })

    registerRoute(
      app,
      webhookRoute,
      { ...deps, rawBody: true, fastify: { ...deps.fastify, bodyLimit: settings.bodyLimitBytes } },
      async ({ params }, request, reply) => {
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0)
        const { duplicate } = await ingest.accept(params.secret, raw)
        ingest.outage.stored(request.log)
        return reply.code(200).type('application/json; charset=utf-8').send(webhookAnswer(duplicate))
      },
    )
    done()
  }
}
