import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { FlowErrorCode } from '@flowchat/core'
import { authenticate, authorizeThread, principalKey, requireOperator } from '../auth.js'
import { serveEventStream } from '../event-stream.js'
import { httpError } from '../http-error.js'
import type { RelayContext } from '../relay-context.js'
import { parseInput, streamQuerySchema } from '../request-schemas.js'
import type { StreamKey } from '../storage/types.js'
import { threadIdParam } from './thread-id.js'

/**
 * `GET /v1/threads/:threadId/events` (a thread's stream) and `GET /v1/events` (operators: everything).
 *
 * @example
 * app.register(streamRoutes(context))
 */
export function streamRoutes(context: RelayContext) {
  return (app: FastifyInstance, _opts: unknown, done: () => void) => {
    app.get<{ Params: { threadId: string } }>('/v1/threads/:threadId/events', async (request, reply) => {
      const threadId = threadIdParam(request.params.threadId)
      const who = await authenticate(request, context.tokens)
      authorizeThread(who, threadId)
      open(request, reply, { thread: threadId }, principalKey(who))
    })

    app.get('/v1/events', async (request, reply) => {
      const who = await authenticate(request, context.tokens)
      requireOperator(who)
      open(request, reply, 'operators', principalKey(who))
    })
    done()
  }

  function open(request: FastifyRequest, reply: FastifyReply, stream: StreamKey, tokenKey: string): void {
    const query = parseInput(streamQuerySchema, request.query ?? {})
    const header = request.headers['last-event-id']
    const fromHeader = typeof header === 'string' && header.length > 0 ? header : undefined
    // The header wins: EventSource sends it on every automatic reconnect, the query only on the first request.
    const lastEventId = fromHeader ?? query.lastEventId
    if (fromHeader !== undefined && !/^\d{1,20}-\d{1,20}$/.test(fromHeader)) {
      throw httpError(FlowErrorCode.invalid_input, 'Last-Event-ID: must look like <ms>-<seq>', {
        path: 'Last-Event-ID',
      })
    }
    const release = context.streams.reserve(tokenKey, request.ip)
    context.metrics.streamOpened()
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    })
    res.flushHeaders()
    const served = serveEventStream(res, {
      storage: context.storage,
      stream,
      lastEventId,
      heartbeatMs: context.settings.heartbeatMs,
      retryMs: context.settings.retryMs,
      maxBufferedBytes: context.settings.maxBufferedBytes,
      metrics: context.metrics,
      onClose: () => {
        release()
        context.metrics.streamClosed()
      },
    })
    context.streams.track(served)
  }
}
