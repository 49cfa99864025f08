import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyBaseLogger } from 'fastify'
import { answerError } from './http-error.js'
import { webhookAnswer, type WebhookIngest } from './webhook-ingest.js'

const PREFIX = '/webhooks/'
/** A path segment of RFC 3986 unreserved characters: the router takes it as it is (no decoding, no refusal). */
const PLAIN_SEGMENT = /^[A-Za-z0-9._~-]+$/
/** The content types Flow.ai sends; the webhook route reads any type alike, these are the ones taken here. */
const JSON_TYPE = /^application\/json(?:; ?charset=utf-8)?$/i

/**
 * The headers of a JSON answer, with Fastify's names (lower case) and order, so both paths answer alike: the one
 * list `send` and the prebuilt 200s read.
 */
function jsonHeaders(body: string, retryAfterSeconds?: number, close = false): string[] {
  const headers = retryAfterSeconds === undefined ? [] : ['retry-after', String(retryAfterSeconds)]
  headers.push(
    'content-type',
    'application/json; charset=utf-8',
    'content-length',
    String(Buffer.byteLength(body)),
  )
  if (close) headers.push('connection', 'close')
  return headers
}

/** The headers of a 200 to a delivery for a relay that is not closing. Frozen: every answer shares them. */
const okHeaders = (body: string): string[] => Object.freeze(jsonHeaders(body)) as string[]
const STORED_HEADERS = okHeaders(webhookAnswer(false))
const DUPLICATE_HEADERS = okHeaders(webhookAnswer(true))

/** pino's level check (Fastify's logger when logging is on; absent when it is off). */
interface Leveled {
  isLevelEnabled(level: string): boolean
}

export interface WebhookFastPathOptions {
  ingest: WebhookIngest
  bodyLimitBytes: number
  /** The router's longest path parameter: a longer secret is left to Fastify (its 414). */
  maxParamLength: number
  /** True once the relay is closing: requests are left to Fastify, which answers 503. */
  closing: () => boolean
  /** The relay's logger (Fastify's `app.log`). */
  log: FastifyBaseLogger
  /** Fastify's request ids, so both paths number requests alike in logs. */
  requestId: () => string
  /** `X-Forwarded-For` decides the client address (as Fastify's `trustProxy`). */
  trustProxy: boolean
}

/**
 * `POST /webhooks/:secret` answered on the bare `node:http` request, ahead of Fastify: webhooks are the relay's
 * hottest request and need none of Fastify's lifecycle (routing, hooks, content-type parsing, reply pipeline),
 * which cost more CPU per delivery than storing it. The rules are `ingest`'s, shared with the Fastify route, and
 * answers are the route's, byte for byte: status, JSON body, `Retry-After`, `Connection: close` while closing,
 * and the request log lines (`incoming request`, `request completed`) when info logging is on.
 *
 * Only the plain shape is taken: `POST /webhooks/<unreserved characters>` with no query, a JSON content type,
 * no `Content-Encoding` and a `Content-Length` within the body limit. Anything else (chunked, compressed, too
 * large, odd paths, another method, a closing relay, a client address to read from `X-Forwarded-For` for the log)
 * returns false and goes to Fastify, whose answer is then the relay's.
 *
 * @example
 * const fastPath = createWebhookFastPath({ ingest, bodyLimitBytes, ... })
 * createServer((req, res) => fastPath(req, res) || fastifyHandler(req, res))
 */
export function createWebhookFastPath(
  options: WebhookFastPathOptions,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { ingest, bodyLimitBytes, maxParamLength, closing, log } = options

  function send(res: ServerResponse, status: number, body: string, retryAfterSeconds?: number): void {
    res.writeHead(status, jsonHeaders(body, retryAfterSeconds, closing()))
    res.end(body)
  }

  async function answer(res: ServerResponse, secret: string, raw: Buffer, reqLog: FastifyBaseLogger) {
    try {
      const { duplicate } = await ingest.accept(secret, raw)
      ingest.outage.stored(reqLog)
      const body = webhookAnswer(duplicate)
      // The answer to nearly every delivery: its headers are built once (a closing relay adds `Connection: close`).
      if (closing()) send(res, 200, body)
      else {
        res.writeHead(200, duplicate ? DUPLICATE_HEADERS : STORED_HEADERS)
        res.end(body)
      }
    } catch (error) {
      const failed = answerError(error, reqLog, [ingest.outage])
      send(res, failed.status, JSON.stringify(failed.body), failed.retryAfterSeconds)
    }
  }

  return (req, res) => {
    const url = req.url ?? ''
    if (req.method !== 'POST' || !url.startsWith(PREFIX) || closing()) return false
    const secret = url.slice(PREFIX.length)
    if (secret.length > maxParamLength || !PLAIN_SEGMENT.test(secret)) return false
    const { headers } = req
    const length = Number(headers['content-length'])
    if (
      !(length > 0 && length <= bodyLimitBytes) ||
      headers['transfer-encoding'] !== undefined ||
      headers['content-encoding'] !== undefined ||
      !JSON_TYPE.test(headers['content-type'] ?? '')
    ) {
      return false
    }
    const logRequests = (log as Partial<Leveled>).isLevelEnabled?.('info') === true
    if (logRequests && options.trustProxy) return false

    const started = logRequests ? performance.now() : 0
    const reqLog = logRequests ? log.child({ reqId: options.requestId() }) : log
    if (logRequests) {
      reqLog.info({ req: { method: 'POST', url, ip: req.socket.remoteAddress } }, 'incoming request')
      res.once('finish', () =>
        reqLog.info(
          { res: { statusCode: res.statusCode }, responseTime: performance.now() - started },
          'request completed',
        ),
      )
    }
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      chunks.push(chunk)
      size += chunk.length
    }
    const onEnd = () => {
      // Off the request once read: with many streams open, V8 allocates a request's listener table in old space,
      // and a dead old object keeps what it points to (these closures, the body, `res`) through every scavenge
      // until the next major GC. `removeListener` empties the table's slots (`removeAllListeners`, once the last
      // listener goes, swaps in a new table and leaves the old one holding it).
      req.removeListener('data', onData)
      req.removeListener('end', onEnd)
      const raw = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)
      // answer() maps every error to an answer; a failure to write one leaves nothing to tell the client.
      answer(res, secret, raw, reqLog).catch(() => res.destroy())
    }
    req.on('data', onData)
    req.on('end', onEnd)
    return true
  }
}

/**
 * Request ids as Fastify numbers them (`req-1`, `req-2`, … in base 36), shared by Fastify (`genReqId`) and the
 * webhook fast path so no two requests of one relay share an id in its logs.
 *
 * @example
 * const requestId = createRequestIds()
 * Fastify({ genReqId: requestId })
 */
export function createRequestIds(): () => string {
  let next = 0
  return () => {
    next = (next + 1) & 0x7fffffff
    return `req-${next.toString(36)}`
  }
}
