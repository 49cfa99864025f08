import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify'
import { setTimeout as sleep } from 'node:timers/promises'
import { createReadStream } from 'node:fs'
import { SAMPLE_FILES } from '../sample-media.js'
import { checkAuthorization } from './auth.js'
import type { ApiContext } from './context.js'
import { controlRoutes } from './control-routes.js'
import { HttpError, errorBody } from './http-error.js'
import { messageRoutes } from './message-routes.js'

/**
 * Builds the Fastify app: the REST API v1 under `/rest/v1/` behind the API key, and the media the bot links to
 * under `/media/` (public, like a CDN). Every error answer is `{"status":"error","message":"<field>: <rule>"}`.
 *
 * @example
 * const app = buildServer(context)
 * await app.listen({ port: 0 })
 */
export function buildServer(context: ApiContext): FastifyInstance {
  const { options } = context
  // Thread ids may be 256 characters, URL-encoded up to three times longer: the router must not cut them first.
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimitBytes,
    forceCloseConnections: true,
    routerOptions: { maxParamLength: 1024 },
    // Errors the router raises before any route (a broken `%` escape) get the error shape of every other answer.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const message =
        error.code === 'FST_ERR_BAD_URL' ? 'path: not valid percent-encoding' : `request: ${error.message}`
      void reply.code(400).send(errorBody(message))
    },
  })

  // JSON is read tolerantly: an empty body (the reference's own pause example sends none) is no body, and a
  // missing content type (the media example has none) is read as JSON.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, text, done) => {
    const type = request.headers['content-type']?.toLowerCase() ?? ''
    if (type !== '' && !type.includes('json') && !type.startsWith('text/plain')) {
      done(new HttpError(415, 'content-type: must be application/json or multipart/form-data'), undefined)
      return
    }
    const body = String(text)
    if (body.trim() === '') return done(null, undefined)
    try {
      done(null, JSON.parse(body))
    } catch (error) {
      done(new HttpError(400, `body: invalid JSON (${(error as Error).message})`), undefined)
    }
  })
  // Multipart bodies are handed to the route as the raw stream: busboy reads them there, bounded by the upload limit.
  app.addContentTypeParser('multipart/form-data', (request, payload, done) => {
    const length = Number(request.headers['content-length'] ?? 0)
    if (length > options.uploadLimitBytes + 1024 * 1024) {
      done(new HttpError(413, `file: must be at most ${options.uploadLimitBytes} bytes`), undefined)
      return
    }
    done(null, payload)
  })

  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    if (error instanceof HttpError) return reply.code(error.statusCode).send(errorBody(error.message))
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send(errorBody(`body: must be at most ${options.bodyLimitBytes} bytes`))
    }
    const status = error.statusCode ?? 500
    if (status < 500) return reply.code(status).send(errorBody(`request: ${error.message}`))
    options.logger({
      level: 'error',
      event: 'http.error',
      message: `${request.method} ${request.url}: ${error.message}`,
    })
    return reply.code(500).send(errorBody('server: internal error'))
  })
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errorBody(`path: no endpoint ${request.method} ${request.url.split('?')[0]}`)),
  )

  app.get('/', () => ({ name: 'flowchat-emulator', restUrl: `${context.origin()}/rest/v1/` }))
  app.get('/media/sample/:name', async (request, reply) => {
    const file = SAMPLE_FILES[(request.params as { name: string }).name]
    if (!file) throw new HttpError(404, 'name: no such sample')
    return reply.type(file.contentType).send(file.body)
  })
  app.get('/media/upload/:id', async (request, reply) => {
    const file = context.media.get((request.params as { id: string }).id)
    if (!file) throw new HttpError(404, 'id: no such upload')
    return reply.type(file.mimeType).header('content-length', file.bytes).send(createReadStream(file.path))
  })

  void app.register(
    (api, _opts, done) => {
      api.addHook('onRequest', async (request) => {
        if (options.latencyMs > 0) await sleep(options.latencyMs)
        checkAuthorization(request.headers.authorization, options.auth, options.apiKey)
        options.logger({ level: 'debug', event: 'http.request', message: `${request.method} ${request.url}` })
      })
      messageRoutes(api, context)
      controlRoutes(api, context)
      done()
    },
    { prefix: '/rest/v1' },
  )
  return app
}
