import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { FlowErrorCode, PROJECT_KINDS, parseWebhookEvent, safeParse, threadIdSchema } from '@flowchat/core'
import { webhookProbeRoute, webhookRoute } from '@flowchat/core/protocol'
import { httpError } from '../http-error.js'
import { assertEventSize, assertJsonDepth } from '../ingest-limits.js'
import type { RelayContext } from '../relay-context.js'
import { registerRoute } from '../register-route.js'

const digest = (value: string | Buffer) => createHash('sha256').update(value).digest()

/**
 * `POST /webhooks/:secret` stores Flow.ai's events; `GET` answers Flow.ai's probe.
 *
 * The secret is compared in constant time (on equal-length digests). A delivery is answered 2xx only after
 * `append` resolved, and 503 with `Retry-After` when storage fails, so Flow.ai retries; the dedupe key is the
 * SHA-256 of the raw body, because a retried delivery is byte-identical.
 *
 * @example
 * app.register(webhookRoutes(context))
 */
export function webhookRoutes(context: RelayContext) {
  const { storage, metrics, settings } = context
  const expected = digest(settings.webhookSecret)
  const secretMatches = (given: string) => timingSafeEqual(digest(given), expected)

  return (app: FastifyInstance, _opts: unknown, done: () => void) => {
    // Raw bytes: they are hashed for the dedupe key, and invalid JSON must be our 400, not a parser crash.
    app.removeAllContentTypeParsers()
    app.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: settings.bodyLimitBytes },
      (_r, body, next) => next(null, body),
    )

    const deps = { tokens: context.tokens }
    registerRoute(app, webhookProbeRoute, deps, ({ params }, _request, reply) => {
      if (!secretMatches(params.secret)) throw notFound()
      return reply.code(200).send({ status: 'ok' })
    })

    registerRoute(
      app,
      webhookRoute,
      { ...deps, rawBody: true, fastify: { bodyLimit: settings.bodyLimitBytes } },
      async ({ params }, request, reply) => {
        if (!secretMatches(params.secret)) {
          metrics.webhookRejected('secret')
          throw notFound()
        }
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0)
        let json: unknown
        try {
          // Before parsing: a body nested too deep is refused, not stored as an event no reader could be sent.
          assertJsonDepth(raw)
        } catch (error) {
          metrics.webhookRejected('invalid')
          throw error
        }
        try {
          json = JSON.parse(raw.toString('utf8'))
        } catch {
          metrics.webhookRejected('json')
          throw httpError(FlowErrorCode.invalid_input, 'The webhook body is not valid JSON.')
        }
        const parsed = parseWebhookEvent(json)
        if (!parsed.ok) {
          metrics.webhookRejected('invalid')
          const first = parsed.issues[0]
          throw httpError(
            FlowErrorCode.invalid_input,
            `The webhook body is not a Flow.ai event: ${parsed.error}`,
            {
              ...(first ? { path: first.path } : {}),
            },
          )
        }
        const event = parsed.value
        const given = givenThreadId(json)
        if (given !== undefined && event.threadId === undefined) {
          // The decoder leaves an invalid thread id out: filing the event as a project event would hide it.
          metrics.webhookRejected('invalid')
          const rule = safeParse(threadIdSchema, given)
          throw httpError(
            FlowErrorCode.invalid_input,
            `threadId: ${rule.ok ? 'invalid' : (rule.issues[0]?.message ?? 'invalid')}`,
            { path: 'threadId' },
          )
        }
        const threadId = PROJECT_KINDS.has(event.kind) || event.threadId === undefined ? null : event.threadId
        const envelope = {
          threadId,
          kind: event.kind,
          type: event.type,
          receivedAt: new Date().toISOString(),
          source: 'webhook' as const,
          body: json,
        }
        try {
          assertEventSize(envelope, settings.bodyLimitBytes, raw.length)
        } catch (error) {
          metrics.webhookRejected('too_large')
          throw error
        }
        metrics.webhookReceived()
        let result
        try {
          result = await storage.append({
            key: `webhook:${createHash('sha256').update(raw).digest('hex')}`,
            envelope,
            // The raw body's length stands for the envelope's JSON size: the storage need not serialise it again.
            bytes: raw.length,
          })
        } catch (error) {
          metrics.webhookRejected('storage')
          request.log.error({ err: error }, 'webhook not stored: storage failed')
          throw httpError(FlowErrorCode.unavailable, 'The relay could not store the event; retry later.', {
            retryAfterSeconds: 5,
          })
        }
        if (result.duplicate) metrics.webhookDeduplicated()
        return reply.code(200).send({ status: 'ok', duplicate: result.duplicate })
      },
    )
    done()
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** The thread id a webhook body names (in its payload, a `result` in it, or at the top level), if any. */
function givenThreadId(json: unknown): unknown {
  if (!isRecord(json)) return undefined
  const payload = isRecord(json.payload) ? json.payload : json
  const result = isRecord(payload.result) ? payload.result : undefined
  return payload.threadId ?? result?.threadId ?? json.threadId
}

function notFound() {
  return httpError(FlowErrorCode.not_found, 'Not found.')
}
