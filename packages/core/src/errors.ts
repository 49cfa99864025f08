import { selfNamed } from './self-named.js'

const codes = [
  'invalid_input',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'rate_limited',
  'server_error',
  'unavailable',
  'timeout',
  'network',
  'invalid_response',
  'aborted',
] as const

/**
 * Error codes of `FlowError`; every failure crossing a package boundary carries one. Each code is its own name
 * (`selfNamed`).
 */
export const FlowErrorCode = /* @__PURE__ */ selfNamed(codes)
export type FlowErrorCode = (typeof FlowErrorCode)[keyof typeof FlowErrorCode]

export interface FlowErrorOptions {
  /** HTTP status of the answer that caused it, when there was one. */
  status?: number
  /** Milliseconds the server asked to wait before retrying (`Retry-After`). */
  retryAfterMs?: number
  /** The field that was wrong, for `invalid_input` (`payload.speech`). */
  path?: string
  cause?: unknown
}

/**
 * The one error class of flowchat. Its message says what went wrong and what to do; it never contains an API
 * key, a token or a secret.
 *
 * @example
 * try { await rest.sendMessage(threadId, input) }
 * catch (e) { if (toFlowError(e).code === 'rate_limited') … }
 */
export class FlowError extends Error {
  override readonly name = 'FlowError'
  // Declared, not emitted as class fields: the constructor sets each one (a browser bundle is smaller).
  declare readonly code: FlowErrorCode
  declare readonly status: number | undefined
  declare readonly retryAfterMs: number | undefined
  declare readonly path: string | undefined

  constructor(code: FlowErrorCode, message: string, options: FlowErrorOptions = {}) {
    // Error takes `cause` from the options, and only when they have one: an undefined cause is none.
    super(message, options.cause === undefined ? undefined : options)
    this.code = code
    this.status = options.status
    this.retryAfterMs = options.retryAfterMs
    this.path = options.path
  }

  /** A plain object for JSON answers and logs: `{ code, message, path? }`. */
  toJSON(): { code: FlowErrorCode; message: string; path?: string } {
    return { code: this.code, message: this.message, ...(this.path === undefined ? {} : { path: this.path }) }
  }
}

/** The codes of the HTTP statuses that have their own; any other status is a `server_error`. */
const STATUS_CODES: Readonly<Partial<Record<number, FlowErrorCode>>> = {
  400: 'invalid_input',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  408: 'timeout',
  409: 'conflict',
  413: 'payload_too_large',
  422: 'invalid_input',
  429: 'rate_limited',
  503: 'unavailable',
  504: 'timeout',
}

/** The code an HTTP status maps to. */
export function codeForStatus(status: number): FlowErrorCode {
  return STATUS_CODES[status] ?? 'server_error'
}

/**
 * Normalises anything caught into a `FlowError` (an `AbortError` becomes `aborted`, a `TypeError` from fetch
 * becomes `network`).
 *
 * @example
 * catch (e) { const err = toFlowError(e); log(err.code, err.message) }
 */
export function toFlowError(error: unknown): FlowError {
  if (error instanceof FlowError) return error
  const [code, message]: [FlowErrorCode, string] = !(error instanceof Error)
    ? ['server_error', `Unexpected error: ${String(error)}`]
    : error.name === 'AbortError'
      ? ['aborted', 'The request was aborted.']
      : error.name === 'TimeoutError'
        ? ['timeout', 'The request timed out.']
        : error instanceof TypeError
          ? ['network', `Network error: ${error.message}. Check the URL and that the server runs.`]
          : ['server_error', error.message]
  return new FlowError(code, message, { cause: error })
}
