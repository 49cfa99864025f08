import type { FastifyBaseLogger } from 'fastify'
import { FlowError, FlowErrorCode, codeForStatus, toFlowError } from '@flowchat/core'
import { RelayLimits, type RelayErrorBody } from '@flowchat/core/protocol'

/** An HTTP answer for an error: status, body, and `Retry-After` seconds when the client should wait. */
export interface HttpErrorAnswer {
  status: number
  body: RelayErrorBody
  retryAfterSeconds?: number
}

const statusOfCode: Record<FlowErrorCode, number> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  server_error: 502,
  unavailable: 503,
  timeout: 504,
  network: 502,
  invalid_response: 502,
  aborted: 499,
}

/** Logs the failures of one kind its own way (once per outage, say); `false` for the others. */
export interface ErrorLog {
  log(error: unknown, log: FastifyBaseLogger): boolean
}

/**
 * The relay's error handler: the answer for `error` (`toHttpError`), logged when the failure is the relay's or
 * Flow.ai's (5xx). Flow.ai refusing a request (its 4xx, answered 502) is worth a look, not an alarm: a warning.
 * Failures that repeat alike until someone acts are logged by the first of `logs` that takes them instead: Flow.ai
 * refusing the API key (`createApiKeyRefusals`), the storage refusing webhooks (`createStorageOutage`), each an
 * error once, not a line per request.
 *
 * @example
 * const { status, body, retryAfterSeconds } = answerError(error, request.log, [keyRefusals, storageOutage])
 */
export function answerError(
  error: unknown,
  log: FastifyBaseLogger,
  logs: readonly ErrorLog[] = [],
): HttpErrorAnswer {
  const answer = toHttpError(error)
  if (answer.status >= 500 && !logs.some((special) => special.log(error, log))) {
    const flowStatus = upstreamStatus(error)
    const level = flowStatus !== undefined && flowStatus < 500 ? 'warn' : 'error'
    log[level]({ err: error, code: answer.body.error.code }, answer.body.error.message)
  }
  return answer
}

/**
 * The refusal of a compressed body (`Content-Encoding` other than `identity`): the relay reads JSON and multipart as
 * sent, and a gzip body read as JSON would only be "not valid JSON". A 415 like Fastify's for an unsupported type;
 * the encoding is named, clipped and printable only.
 *
 * @example
 * throw unsupportedContentEncoding('gzip') // 415 "The body is compressed (Content-Encoding: gzip), …"
 */
export function unsupportedContentEncoding(encoding: string): Error {
  const named = encoding.replace(/[^\x20-\x7e]/g, '?').slice(0, 40)
  return Object.assign(
    new Error(`The body is compressed (Content-Encoding: ${named}), which the relay does not read`),
    { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' },
  )
}

/**
 * The refusal of a body of a type the route does not read (`text/plain`, what `fetch` sends for a string body
 * without a Content-Type): Fastify's own 415 says only "Unsupported Media Type". The media type is named without
 * its parameters, clipped and printable only.
 *
 * @example
 * throw unsupportedContentType('text/plain;charset=UTF-8') // 415 "The body is text/plain, which the relay does not read"
 */
export function unsupportedContentType(contentType: string | undefined): Error {
  const named = (contentType ?? '')
    .split(';')[0]!
    .trim()
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 60)
  return Object.assign(
    new Error(
      named === ''
        ? 'The body has no Content-Type, so the relay does not read it'
        : `The body is ${named}, which the relay does not read`,
    ),
    { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' },
  )
}

/** Fastify's own errors (bad JSON, body too large, unsupported type) carry a `statusCode` and an `FST_` code. */
function isFastifyError(e: unknown): e is Error & { statusCode: number; code: string } {
  return e instanceof Error && typeof (e as { statusCode?: unknown }).statusCode === 'number'
}

/**
 * The one place where anything thrown becomes an HTTP answer `{"error":{code,message,path?}}`.
 *
 * Errors from Flow.ai (a `FlowError` with an upstream `status`) are the relay's upstream failing, not the
 * client's fault: they answer 502, except rate limits and unavailability, which keep their meaning and their
 * `Retry-After`. An upstream 401/403 means the relay's own API key is wrong; the answer says so without the key.
 *
 * @example
 * app.setErrorHandler((error, request, reply) => sendError(reply, error))
 */
export function toHttpError(error: unknown): HttpErrorAnswer {
  if (error instanceof UpstreamError) {
    const e = error.flowError
    return upstreamAnswer(
      e,
      e.retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(e.retryAfterMs / 1000)),
    )
  }
  if (isFastifyError(error) && !(error instanceof FlowError)) {
    const status = error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500
    const code = status === 414 || status === 415 ? FlowErrorCode.invalid_input : codeForStatus(status)
    return answer(status, code, fastifyMessage(error, status))
  }
  const e = toFlowError(error)
  const retryAfterSeconds =
    e.retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(e.retryAfterMs / 1000))
  const status = statusOfCode[e.code]
  if (status === 502 && e.code === FlowErrorCode.server_error && e.status === undefined) {
    // A bug or an unexpected failure inside the relay: do not echo its message, which may hold internals.
    return answer(500, FlowErrorCode.server_error, 'The relay failed unexpectedly; see its logs.')
  }
  return answer(status, e.code, e.message, e.path, retryAfterSeconds)
}

function upstreamAnswer(e: FlowError, retryAfterSeconds: number | undefined): HttpErrorAnswer {
  switch (e.code) {
    case FlowErrorCode.invalid_input:
      // Input the REST client rejected before sending (it names the field), or Flow.ai's 400.
      return answer(e.status === undefined ? 400 : 502, e.code, e.message, e.path)
    case FlowErrorCode.unauthorized:
    case FlowErrorCode.forbidden:
      return answer(
        502,
        FlowErrorCode.server_error,
        `Flow.ai rejected the relay's API key (HTTP ${String(e.status ?? 401)}): the relay operator must configure a valid key and auth style.`,
      )
    case FlowErrorCode.rate_limited:
      return answer(
        429,
        e.code,
        'Flow.ai is rate limiting the relay; retry later.',
        undefined,
        retryAfterSeconds ?? 5,
      )
    case FlowErrorCode.unavailable:
    case FlowErrorCode.network:
    case FlowErrorCode.timeout:
      return answer(
        503,
        FlowErrorCode.unavailable,
        `Flow.ai could not be reached (${e.code}); retry later.`,
        undefined,
        retryAfterSeconds ?? 5,
      )
    case FlowErrorCode.payload_too_large:
      return answer(413, e.code, e.message)
    case FlowErrorCode.not_found:
      return answer(404, e.code, e.message)
    default:
      return answer(502, FlowErrorCode.server_error, `Flow.ai failed: ${e.message}`)
  }
}

function fastifyMessage(error: Error & { code: string }, status: number): string {
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.name === 'SyntaxError') {
    return 'The body is not valid JSON.'
  }
  // The router's messages quote the path (it may hold a secret or a token): never echo them.
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return `A path parameter is too long (thread ids: at most ${RelayLimits.threadIdLength} characters).`
  }
  if (error.code === 'FST_ERR_BAD_URL')
    return 'The URL is not valid: a path parameter is badly percent-encoded.'
  if (status === 413) return 'The body is larger than the relay accepts.'
  if (status === 415) return `${error.message}. Send JSON (application/json) or multipart/form-data.`
  return error.message
}

function answer(
  status: number,
  code: FlowErrorCode,
  message: string,
  path?: string,
  retryAfterSeconds?: number,
): HttpErrorAnswer {
  return {
    status,
    body: { error: { code, message, ...(path === undefined ? {} : { path }) } },
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  }
}

/**
 * Shorthand for the relay's own errors: `throw httpError('forbidden', 'This token is for another thread.')`. A
 * `cause` reaches the log line of a 5xx answer, never the client.
 */
export function httpError(
  code: FlowErrorCode,
  message: string,
  options: { path?: string; retryAfterSeconds?: number; cause?: unknown } = {},
): FlowError {
  return new FlowError(code, message, {
    ...(options.path === undefined ? {} : { path: options.path }),
    ...(options.retryAfterSeconds === undefined ? {} : { retryAfterMs: options.retryAfterSeconds * 1000 }),
    ...(options.cause === undefined ? {} : { cause: options.cause }),
  })
}

/** A failure of a call to Flow.ai, kept apart so it is answered as the upstream's fault (see `toHttpError`). */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError'
  constructor(readonly flowError: FlowError) {
    super(flowError.message, { cause: flowError })
  }
}

/** The HTTP status Flow.ai answered, when `error` is a failed call to it that got an answer. */
export function upstreamStatus(error: unknown): number | undefined {
  return error instanceof UpstreamError ? error.flowError.status : undefined
}

/**
 * Runs a call to Flow.ai; its failure becomes an `UpstreamError`.
 *
 * @example
 * await upstream(() => rest.pause(threadId))
 */
export async function upstream<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    throw new UpstreamError(toFlowError(error))
  }
}
