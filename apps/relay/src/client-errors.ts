import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import type { FastifyBaseLogger } from 'fastify'
import { FlowErrorCode } from '@flowchat/core'
import type { RelayErrorBody } from '@flowchat/core/protocol'

/** A request Node's HTTP parser refused, or one not received in time: what the relay answers. */
interface ClientErrorAnswer {
  status: 400 | 408 | 413 | 431
  code: FlowErrorCode
  message: string
}

/** What each of llhttp's refusals means for the client, said so it can fix its request. */
const parserMessages: Record<string, string> = {
  HPE_UNEXPECTED_CONTENT_LENGTH: 'The request has more than one Content-Length header.',
  HPE_INVALID_CONTENT_LENGTH: 'The Content-Length header must be a plain decimal number of bytes.',
  HPE_INVALID_TRANSFER_ENCODING:
    'The request has both Content-Length and Transfer-Encoding, or a Transfer-Encoding other than chunked last.',
  HPE_INVALID_METHOD: 'The request method is not valid (methods are uppercase: GET, POST, …).',
  HPE_PAUSED_H2_UPGRADE: 'The relay speaks HTTP/1.1: send HTTP/1.1 (an HTTP/2 preface is not accepted).',
  HPE_INVALID_VERSION: 'The request line names an HTTP version the relay does not speak (use HTTP/1.1).',
  HPE_INVALID_URL: 'The request target (URL) is not valid.',
  HPE_INVALID_HEADER_TOKEN: 'A request header has a character not allowed in HTTP header names or values.',
  HPE_INVALID_CHUNK_SIZE: 'The chunked body has an invalid chunk size.',
}

/**
 * The answer for a `clientError` of Node's HTTP server: a malformed request (400), one not received in full
 * within the request timeout (408), chunk extensions (413) or headers (431) past Node's limits.
 *
 * @example
 * clientErrorAnswer(Object.assign(new Error('x'), { code: 'HPE_HEADER_OVERFLOW' }), 30_000).status // 431
 */
function clientErrorAnswer(error: Error & { code?: string }, requestTimeoutMs: number): ClientErrorAnswer {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        code: FlowErrorCode.timeout,
        message: `The request (headers and body) was not received in full within ${formatMs(requestTimeoutMs)}.`,
      }
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        code: FlowErrorCode.payload_too_large,
        message: 'The request headers are larger than the relay accepts (16 KiB in all).',
      }
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return {
        status: 413,
        code: FlowErrorCode.payload_too_large,
        message: 'The chunked body has chunk extensions larger than the relay accepts.',
      }
    default:
      return {
        status: 400,
        code: FlowErrorCode.invalid_input,
        message:
          parserMessages[error.code ?? ''] ??
          `The request is not valid HTTP/1.1${error.code?.startsWith('HPE_') ? ` (${error.code})` : ''}.`,
      }
  }
}

/**
 * Fastify's `clientErrorHandler`: answers in the relay's error shape (`{"error":{code,message}}`) with
 * `Connection: close`, then closes the connection. It writes nothing when the socket cannot take it, or when an
 * answer to an earlier request on it has already started (an SSE stream, say): bytes there would corrupt it.
 * The error is logged by its code only: its `rawPacket` holds the request's bytes, tokens included.
 *
 * @example
 * Fastify({ clientErrorHandler: answerClientError(requestTimeoutMs) })
 */
export function answerClientError(requestTimeoutMs: number) {
  // Fastify calls it bound to the instance: `this.log` is the relay's logger.
  return function (this: { log: FastifyBaseLogger }, error: Error & { code?: string }, socket: Duplex): void {
    if (error.code === 'ECONNRESET' || socket.destroyed) return
    const { status, code, message } = clientErrorAnswer(error, requestTimeoutMs)
    this.log.debug({ code: error.code, status }, 'client error')
    // Node's own answer makes the same check (`_http_server.js`, socketOnError): a response under way owns the socket.
    const underWay = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage
      ?.headersSent
    if (!socket.writable || underWay === true) {
      socket.destroy()
      return
    }
    const body = errorJson(code, message)
    const head =
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`
    // Destroyed once flushed: a client that never closes its side must not keep the connection half open.
    socket.end(head + body, () => socket.destroy())
  }
}

/**
 * Answers an HTTP/1.1 request without a `Host` header (RFC 9112 §3.2) 400 in the error shape; false for any other
 * request. Node's own check (`requireHostHeader`, turned off for this) answers an empty 400.
 *
 * @example
 * if (!refuseMissingHost(req, res)) handler(req, res)
 */
export function refuseMissingHost(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.headers.host !== undefined || req.httpVersionMajor !== 1 || req.httpVersionMinor !== 1) return false
  answerAndClose(req, res, 400, 'An HTTP/1.1 request must have a Host header.')
  return true
}

/**
 * Answers a request whose `Expect` is not `100-continue` 417 in the error shape (the server's `checkExpectation`
 * listener). Node's own answer is an empty 417.
 *
 * @example
 * server.on('checkExpectation', refuseExpectation)
 */
export function refuseExpectation(req: IncomingMessage, res: ServerResponse): void {
  answerAndClose(req, res, 417, 'Expect: only 100-continue is supported.')
}

/** A JSON error answer that ends the connection; the request's body, if any, is read and dropped. */
function answerAndClose(req: IncomingMessage, res: ServerResponse, status: number, message: string): void {
  const body = errorJson(FlowErrorCode.invalid_input, message)
  res.shouldKeepAlive = false
  res
    .writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      Connection: 'close',
    })
    .end(body)
  req.resume()
}

function errorJson(code: FlowErrorCode, message: string): string {
  return JSON.stringify({ error: { code, message } } satisfies RelayErrorBody)
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`
}
