import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { allEventsRoute, eventIdSchema, threadEventsRoute } from '@flowchat/core/protocol'
import { principalKey } from '../auth.js'
import { serveEventStream } from '../event-stream.js'
import type { RelayContext } from '../relay-context.js'
import { parseInput, registerRoute } from '../register-route.js'
import type { StreamKey } from '../storage/types.js'
import type { Principal } from '../token-service.js'

/** The headers of every SSE answer, after any the hooks set (CORS). */
const STREAM_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
}

/**
 * `GET /v1/threads/:threadId/events` (a thread's stream) and `GET /v1/events` (operators: everything). Their HEAD
 * twins answer the headers alone and open nothing.
 *
 * @example
 * app.register(streamRoutes(context))
 */
export function streamRoutes(context: RelayContext) {
  return (app: FastifyInstance, _opts: unknown, done: () => void) => {
    const deps = { tokens: context.tokens }
    registerRoute(app, threadEventsRoute, deps, ({ params, query, who }, request, reply) =>
      open(request, reply, { thread: params.threadId }, who, query.lastEventId),
    )
    registerRoute(app, allEventsRoute, deps, ({ query, who }, request, reply) =>
      open(request, reply, 'operators', who, query.lastEventId),
    )
    done()
  }

  async function open(
    request: FastifyRequest,
    reply: FastifyReply,
    stream: StreamKey,
    who: Principal,
    fromQuery: string | undefined,
  ): Promise<void> {
    const header = request.headers['last-event-id']
    // The header wins: EventSource sends it on every automatic reconnect, the query only on the first request.
    const lastEventId =
      typeof header === 'string' && header.length > 0
        ? parseInput(eventIdSchema, header, 'Last-Event-ID')
        : fromQuery
    if (request.method === 'HEAD') {
      // A HEAD asks what a GET would answer, not for the stream: the headers, then the end, holding no slot. Not
      // `Connection: keep-alive` (it would override a client's `close`), and no `Content-Length: 0` (Fastify's).
      const { Connection: _keep, ...headers } = STREAM_HEADERS
      reply.hijack()
      reply.raw.writeHead(200, Object.assign(reply.getHeaders() as Record<string, string>, headers)).end()
      return
    }
    const slot = await context.streams.reserve(principalKey(who), request.ip)
    if (request.raw.destroyed) {
      // The client left while the slot was taken (a shared cap answers over Redis): give it back.
      slot.release()
      return
    }
    try {
      reply.hijack()
      const res = reply.raw
      // getHeaders() answers a fresh object (the hooks' headers, CORS): the stream's own join it there.
      res.writeHead(200, Object.assign(reply.getHeaders() as Record<string, string>, STREAM_HEADERS))
      // Flushed on its own: written as a string, Node's header text is flattened in place, and an idle stream then
      // keeps one string instead of the tree of about 20 pieces it was built from (0.6 KB).
      res.flushHeaders()
      const { settings } = context
      slot.hold(
        serveEventStream(res, {
          storage: context.storage,
          stream,
          lastEventId,
          heartbeatMs: settings.heartbeatMs,
          retryMs: settings.retryMs,
          maxBufferedBytes: settings.maxBufferedBytes,
          metrics: context.metrics,
          slot,
        }),
      )
    } catch (error) {
      // The stream never started (a failed write or subscribe): nothing else will give the slot back, and Fastify
      // no longer answers a hijacked request.
      slot.release()
      reply.raw.destroy()
      request.log.error({ err: error }, 'could not open the event stream')
    }
  }
}
