import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { encodeMessage, type MediaUploadInput, type MessageCommon, type MessageInput } from '@flowchat/core'
import { historyRoute, sendMessageRoute, type SendMessageBody } from '@flowchat/core/protocol'
import { principalKey } from '../auth.js'
import { upstream } from '../http-error.js'
import { assertEventSize } from '../ingest-limits.js'
import { registerBusinessHours } from './business-hours.js'
import { createEventLabels, withLabel, withoutTraceIds } from './event-labels.js'
import type { RelayContext } from '../relay-context.js'
import { registerRoute } from '../register-route.js'
import type { Principal } from '../token-service.js'
import { createSendsUnderWay } from './sends-under-way.js'
import { receiveUpload } from './upload.js'

type Common = Pick<SendMessageBody, 'traceId' | 'lang' | 'timezone' | 'params' | 'originator'>

/**
 * The originator of a send: the role always from the token's scope (a visitor can never send as a moderator),
 * the name from the body, else the token.
 */
export function originatorFor(who: Principal, body: Common): MessageInput['originator'] {
  const name = body.originator?.name ?? (who.scope === 'operator' ? who.operator : (who.name ?? 'Visitor'))
  return {
    name,
    role: who.scope === 'operator' ? 'moderator' : 'external',
    ...(body.originator?.profile ? { profile: body.originator.profile } : {}),
  }
}

/** The fields every message shares, with a traceId generated when the client gave none. */
export function commonFields(who: Principal, body: Common): MessageCommon & { traceId: string } {
  return {
    originator: originatorFor(who, body),
    traceId: body.traceId === undefined ? randomUUID() : String(body.traceId),
    ...(body.lang === undefined ? {} : { lang: body.lang }),
    ...(body.timezone === undefined ? {} : { timezone: body.timezone }),
    ...(body.params === undefined ? {} : { params: body.params }),
  }
}

/**
 * `POST /v1/threads/:threadId/messages` (JSON, or a multipart upload streamed to Flow.ai),
 * `GET /v1/threads/:threadId/messages?page=` (history) and `GET /v1/business-hours` (`registerBusinessHours`).
 *
 * @example
 * app.register(threadRoutes(context))
 */
export function threadRoutes(context: RelayContext) {
  const { rest, storage, metrics } = context
  const labels = createEventLabels(storage)
  const underWay = createSendsUnderWay(storage)

  const deps = { tokens: context.tokens }
  const limitMessage = 'Too many messages; slow down and retry later.'
  async function limitSend(request: FastifyRequest, reply: FastifyReply, who: Principal): Promise<void> {
    await context.limits.take('sendsPerToken', request, reply, principalKey(who), limitMessage)
    await context.limits.take('sendsPerIp', request, reply, request.ip, limitMessage)
  }

  /** After Flow.ai acked: the `sent` event, so other tabs and operators see the message. */
  async function publishSent(
    request: FastifyRequest,
    who: Principal,
    threadId: string,
    message: MessageInput | MediaUploadInput,
    traceId: string,
    body: unknown = sentBody(message),
  ): Promise<string | undefined> {
    try {
      const result = await storage.append({
        key: sentKey(threadId, traceId),
        envelope: sentEnvelope(who, threadId, message, body),
      })
      return result.threadEventId
    } catch (error) {
      // Flow.ai already has the message: answer 202 without an eventId rather than an error the client retries.
      request.log.warn({ err: error }, 'sent event not stored')
      return undefined
    }
  }

  return (app: FastifyInstance, _opts: unknown, done: () => void) => {
    // Multipart bodies are not parsed up front: the route streams them through to Flow.ai.
    app.addContentTypeParser('multipart/form-data', (_request, _payload, next) => next(null, undefined))

    registerRoute(app, sendMessageRoute, deps, async (input, request, reply) => {
      const { who } = input
      const { threadId } = input.params
      await limitSend(request, reply, who)
      const started = performance.now()
      if (request.headers['content-type']?.toLowerCase().startsWith('multipart/form-data')) {
        const { message, traceId } = await receiveUpload(request, {
          limitBytes: context.settings.uploadLimitBytes,
          build: (query) => {
            const { originator: _o, traceId: _t, lang: _l, timezone: _tz, params: _p, ...own } = query
            return { ...own, ...commonFields(who, query) }
          },
          upload: (message, file, signal) =>
            upstream(() => rest.uploadMedia(threadId, message, file, { signal })),
        })
        metrics.sendObserved((performance.now() - started) / 1000)
        const eventId = await publishSent(request, who, threadId, message, traceId)
        return reply.code(202).send({ traceId, ...(eventId ? { eventId } : {}) })
      }
      const { label, ...body } = input.body as SendMessageBody & { label?: string }
      const common = commonFields(who, body)
      const message = toMessageInput(body, common)
      // Checked before Flow.ai gets it: a `sent` event too large for readers must not be stored after the fact.
      // An event's label is the relay's, not Flow.ai's: it rides on the `sent` event, for every tab to show and
      // for the history route to put back (`createEventLabels`).
      const sent = withLabel(sentBody(message), label)
      assertEventSize(sentEnvelope(who, threadId, message, sent), context.settings.bodyLimitBytes)
      // Until its `sent` event is stored, a history page (read through any relay instance on this storage) may
      // hold Flow.ai's copy of it with nothing to pair it with. (An upload's copy never pairs: its URL is Flow.ai's.)
      const eventId = await underWay.during(
        threadId,
        async () => {
          await upstream(() => rest.sendMessage(threadId, message))
          metrics.sendObserved((performance.now() - started) / 1000)
          return publishSent(request, who, threadId, message, common.traceId, sent)
        },
        request.log,
      )
      return reply.code(202).send({ traceId: common.traceId, ...(eventId ? { eventId } : {}) })
    })

    registerRoute(app, historyRoute, deps, async ({ params, query }, request) => {
      // Page 1 may hold copies of sends under way (through this relay instance or, with a shared storage, any
      // other): pair them once their `sent` events are stored. An older page cannot hold one (a send's copy is the
      // thread's newest message as it is made): it need not wait.
      const number = query.page ?? 1
      const page = await upstream(() => rest.getHistory(params.threadId, number))
      if (number === 1) await underWay.settled(params.threadId, SEND_WAIT_MS, request.log)
      try {
        return await labels.restore(params.threadId, page)
      } catch (error) {
        // Labels and traceIds only dress the page: without the storage, the visitor's events show their names,
        // and a tab that read a send's copy before its echo may show it twice until it reloads.
        request.log.warn({ err: error }, 'event labels not restored')
        return withoutTraceIds(page)
      }
    })

    registerBusinessHours(app, context)
    done()
  }
}

/**
 * Longest a history read waits for the thread's sends under way: a send is under way for Flow.ai's answer time
 * (tens to hundreds of ms); one that hangs must not hold the page longer than this. The sends are seen through the
 * storage (`createSendsUnderWay`): with Redis, those of every relay instance on it; with a storage that has no
 * marks of sends, this instance's own only.
 */
const SEND_WAIT_MS = 2000

/**
 * The dedupe key of a `sent` event: one per thread and traceId. Both are length-prefixed, so no pair can spell
 * another (`X` + `b:c` and `X:b` + `c` would both be `X:b:c` joined by a bare separator).
 *
 * @example
 * sentKey('X', 'b:c') // 'sent:1:X:3:b:c'
 */
export function sentKey(threadId: string, traceId: string): string {
  return `sent:${threadId.length}:${threadId}:${traceId.length}:${traceId}`
}

/** The envelope of a `sent` event, as stored. */
function sentEnvelope(
  who: Principal,
  threadId: string,
  message: MessageInput | MediaUploadInput,
  body: unknown,
) {
  return {
    threadId,
    kind: 'sent',
    type: message.type,
    receivedAt: new Date().toISOString(),
    source: who.scope === 'operator' ? ('operator' as const) : ('visitor' as const),
    body,
  }
}

/** The body of a `sent` event: the message as Flow.ai's wire format, else as given. */
function sentBody(message: MessageInput | MediaUploadInput): unknown {
  const wire = encodeMessage(message, { upload: message.type === 'media' && !message.url })
  return wire.ok ? wire.value : { payload: message }
}

function toMessageInput(body: SendMessageBody, common: MessageCommon & { traceId: string }): MessageInput {
  const { originator: _o, traceId: _t, lang: _l, timezone: _tz, params: _p, ...own } = body
  return { ...own, ...common }
}
