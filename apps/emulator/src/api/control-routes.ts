import type { FastifyInstance } from 'fastify'
import { handoverRequestSchema, safeParse } from '@flowchat/core/schemas'
import type { ApiContext } from './context.js'
import { badRequest } from './http-error.js'
import { isSync, pageParam, threadIdParam } from './params.js'

const ok = { status: 'ok' } as const

/**
 * Bot control (`pause`, `handover`, `takeover`), threads, manual-trigger events and business hours.
 * Without `?sync=true` each GET answers `{"status":"ok"}` and sends its data as a webhook event instead.
 *
 * @example
 * await app.register((app) => controlRoutes(app, context), { prefix: '/rest/v1' })
 */
export function controlRoutes(app: FastifyInstance, context: ApiContext): void {
  const { conversation, store } = context

  app.post('/pause/:threadId', (request) => {
    conversation.pause(threadIdParam(request.params))
    return ok
  })
  app.delete('/pause/:threadId', (request) => {
    conversation.resume(threadIdParam(request.params))
    return ok
  })
  app.get('/pause/:threadId', (request) => {
    const threadId = threadIdParam(request.params)
    // `isPaued` (sic), exactly as both references answer.
    const status = { isPaued: store.isPaused(threadId), threadId }
    if (isSync(request.query)) return { status: 'ok', ...status }
    conversation.publish('botStatus', status, threadId)
    return ok
  })

  app.post('/handover/:threadId', (request) => {
    const threadId = threadIdParam(request.params)
    const parsed = safeParse(handoverRequestSchema, request.body ?? {})
    if (!parsed.ok)
      throw badRequest(parsed.issues[0]?.path ?? 'body', parsed.issues[0]?.message ?? 'is invalid')
    conversation.handover(threadId, parsed.value.secondsToPause)
    return ok
  })
  app.post('/takeover/:threadId', (request) => {
    conversation.takeover(threadIdParam(request.params))
    return ok
  })

  app.get('/threads', (request) => {
    const page = pageParam(request.query)
    const { items, pages } = store.threadsPage(page)
    // `page` is a string in the reference's answer, `pages` a number.
    const result = { threads: items, page: String(page), pages }
    if (isSync(request.query)) return { status: 'ok', result }
    conversation.publish('threads', result)
    return ok
  })

  app.get('/trigger/event', (request) => {
    const result = { items: context.triggerEvents }
    if (isSync(request.query)) return { status: 'ok', result }
    conversation.publish('triggerEvents', result)
    return ok
  })
  app.post('/trigger/event/:threadId', (request) => {
    const threadId = threadIdParam(request.params)
    const eventName = (request.query as Record<string, unknown>).eventName
    if (typeof eventName !== 'string' || eventName.trim() === '') throw badRequest('eventName', 'is required')
    if (eventName.length > 255) throw badRequest('eventName', 'must be at most 255 characters')
    const message = {
      type: 'event' as const,
      eventName,
      originator: { name: 'trigger', role: 'external' as const },
    }
    conversation.receive(threadId, message, false, false)
    return ok
  })

  app.get('/businesshours', (request) => {
    // Unlike the others, the sync answer has no `result` wrapper.
    if (isSync(request.query)) return { status: 'ok', businessHours: context.businessHours }
    conversation.publish('businessHours', { businessHours: context.businessHours })
    return ok
  })
}
