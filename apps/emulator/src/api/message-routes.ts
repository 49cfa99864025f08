import type { FastifyInstance } from 'fastify'
import type { Readable } from 'node:stream'
import type { InboundMessage } from '../conversation.js'
import type { ApiContext } from './context.js'
import { badRequest } from './http-error.js'
import { parseMessageBody } from './message-body.js'
import { isSync, pageParam, threadIdParam } from './params.js'
import { readUpload } from './upload.js'

/**
 * `POST messages/:threadId` (JSON, or multipart with `file` + `query`) and `GET messages/:threadId` (history).
 *
 * @example
 * await app.register((app) => messageRoutes(app, context), { prefix: '/rest/v1' })
 */
export function messageRoutes(app: FastifyInstance, context: ApiContext): void {
  const { conversation, store, options, media } = context

  app.post('/messages/:threadId', async (request) => {
    const threadId = threadIdParam(request.params)
    let message: InboundMessage
    if (request.headers['content-type']?.toLowerCase().startsWith('multipart/form-data')) {
      const upload = await readUpload(
        request.body as Readable,
        request.headers,
        options.uploadLimitBytes,
        media,
      )
      // The older reference's example wraps the message once more (`{ query: { payload } }`): read both.
      const query = upload.query as { query?: unknown; payload?: unknown } | null
      const wrapped = query && query.payload === undefined && query.query !== undefined ? query.query : query
      message = parseMessageBody(wrapped, 'query.')
      if (message.type !== 'media') throw badRequest('query.payload.type', 'must be media for an upload')
      if (upload.file) {
        const url = `${context.origin()}/media/upload/${upload.file.id}`
        message = {
          ...message,
          url,
          mimeType: message.mimeType ?? upload.file.mimeType,
          title: message.title ?? upload.file.filename,
        }
      } else if (!message.url) {
        throw badRequest('file', 'is required (or a `url` in the query)')
      }
    } else {
      message = parseMessageBody(request.body)
      if (message.type === 'media' && !message.url) {
        throw badRequest(
          'payload.url',
          'is required for media sent as JSON (or upload the file as multipart/form-data)',
        )
      }
    }
    const sync = isSync(request.query)
    const reply = conversation.receive(threadId, message, sync)
    return sync ? { status: 'ok', ...reply } : { status: 'ok' }
  })

  app.get('/messages/:threadId', (request) => {
    const threadId = threadIdParam(request.params)
    const page = pageParam(request.query)
    const { items, pages } = store.historyPage(threadId, page)
    const result = { history: items, threadId, page, pages }
    if (isSync(request.query)) return { status: 'ok', result }
    conversation.publish('history', result, threadId)
    return { status: 'ok' }
  })
}
