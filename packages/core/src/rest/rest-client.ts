import { FlowError, FlowErrorCode } from '../errors.js'
import {
  ackSchema,
  botStatusResponseSchema,
  businessHoursResponseSchema,
  encodeMessage,
  handoverRequestSchema,
  historyResponseSchema,
  replySchema,
  safeParse,
  threadIdSchema,
  threadsResponseSchema,
  triggerEventsResponseSchema,
  type MediaUploadInput,
  type MessageInput,
  type MessageRequest,
  type ParseResult,
} from '../schemas/index.js'
import { createTransport, quotable, type HttpCall } from './http.js'
import {
  createMultipartBody,
  holdStreamErrors,
  isBlob,
  knownSize,
  MAX_UPLOAD_BYTES,
  tooLarge,
} from './multipart.js'
import type {
  CallOptions,
  FlowRestClient,
  FlowRestClientOptions,
  UploadOptions,
  UploadSource,
} from './types.js'
import { isRecord } from '../schemas/light-read.js'

type Schema = Parameters<typeof safeParse>[0]

/** Node, Deno and Bun stream request bodies over HTTP/1.1; browsers only over HTTP/2, so they get a Blob body. */
const streamsRequestBodies = (): boolean =>
  typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string'

function invalidInput(field: string, rule: string): FlowError {
  return new FlowError(FlowErrorCode.invalid_input, `${field}: ${rule}`, { path: field })
}

/** Throws the first issue of a failed parse as `invalid_input`, naming the field. */
function check<T>(result: ParseResult<T>, prefix?: string): T {
  if (result.ok) return result.value
  const first = result.issues[0] ?? { path: '(root)', message: result.error }
  const path = prefix ? (first.path === '(root)' ? prefix : `${prefix}.${first.path}`) : first.path
  throw new FlowError(FlowErrorCode.invalid_input, `${path}: ${first.message}`, { path })
}

/** The thread id, validated and URL-encoded (ids contain `|`). */
function threadPath(threadId: string): string {
  return encodeURIComponent(check(safeParse(threadIdSchema, threadId), 'threadId'))
}

function pageNumber(page: number | undefined): number | undefined {
  if (page === undefined) return undefined
  if (!Number.isSafeInteger(page) || page < 1) throw invalidInput('page', 'must be a whole number from 1')
  return page
}

function encode(message: MessageInput | MediaUploadInput, upload = false): MessageRequest {
  return check(encodeMessage(message, { upload }))
}

/**
 * The upload limit: `maxUploadBytes` (a whole number of bytes from 1) up to the reference's 250 MB, which it can
 * only lower. Anything else is `invalid_input`: NaN would lift the limit altogether.
 */
function uploadLimitOf(maxUploadBytes: number | undefined): number {
  if (maxUploadBytes === undefined) return MAX_UPLOAD_BYTES
  if (!Number.isSafeInteger(maxUploadBytes) || maxUploadBytes < 1) {
    throw invalidInput('maxUploadBytes', 'must be a whole number of bytes from 1 (at most 250 MB is used)')
  }
  return Math.min(MAX_UPLOAD_BYTES, maxUploadBytes)
}

/**
 * A call's own options, checked before its request: an object (or nothing) whose `signal` is an AbortSignal and
 * `onProgress` a function. Used unchecked, they threw a TypeError, or failed an upload as a network error.
 */
function checkCallOptions(o: unknown): asserts o is UploadOptions {
  if (!isRecord(o)) throw invalidInput('options', 'must be an object: { signal?, deadlineMs?, onProgress? }')
  // Read as fetch and AbortSignal.any read it, not by instanceof: a signal of another realm (an iframe) is one too.
  const signal = o.signal as { aborted?: unknown; addEventListener?: unknown } | undefined
  if (
    signal !== undefined &&
    (!isRecord(signal) ||
      typeof signal.aborted !== 'boolean' ||
      typeof signal.addEventListener !== 'function')
  )
    throw invalidInput('signal', 'must be an AbortSignal (AbortController.signal, AbortSignal.timeout(ms))')
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function')
    throw invalidInput('onProgress', 'must be a function')
}

/** A call as a method builds it; `asked` adds what its caller asked of it. */
type Call = Omit<HttpCall, 'signal' | 'deadlineMs'>

/**
 * Creates a typed client for every endpoint of the Flow.ai REST API v1, in either auth style.
 *
 * Input is checked before any request (a thread id, text of at most 255 characters, an event name…) and fails
 * with `invalid_input` naming the field. `sync` calls parse the answer and fail with `invalid_response` naming
 * the path when it does not fit. Reads, and sends that carry a `traceId`, are retried on network errors,
 * timeouts, 429 and 5xx with exponential back-off and full jitter, honouring `Retry-After`. Every failure is a
 * `FlowError`; none ever contains the API key.
 *
 * @example
 * const flow = createFlowRestClient({ apiKey: process.env.FLOW_API_KEY!, auth: 'raw' })
 * await flow.sendMessage('6ecfd199|o_21361542', {
 *   type: 'text', text: 'Hello', originator: { name: 'John Doe', role: 'external' }, traceId: '42',
 * })
 * const { threads } = await flow.getThreads(1)
 */
export function createFlowRestClient(options: FlowRestClientOptions): FlowRestClient {
  const send = createTransport(options)
  const uploadLimit = uploadLimitOf(options.maxUploadBytes)

  /** Fails on `{"status":"error"}` whatever the HTTP status said. */
  function rejectErrorStatus(body: unknown, label: string): void {
    if (isRecord(body) && body.status === 'error') {
      const said = typeof body.message === 'string' ? `: ${quotable(body.message, options.apiKey)}` : ''
      throw new FlowError(FlowErrorCode.server_error, `Flow.ai reported an error for ${label}${said}.`)
    }
  }

  /** A call with what its caller asked of it: an abort signal, a deadline. */
  const asked = (call: Call, o: CallOptions): HttpCall => {
    checkCallOptions(o)
    return { ...call, signal: o.signal, deadlineMs: o.deadlineMs }
  }

  /** Async calls: resolves on the `{"status":"ok"}` ack (an empty 2xx answer counts too). */
  async function ack(call: Call, o: CallOptions): Promise<void> {
    const body = await send(asked(call, o))
    const label = `${call.method} ${call.path}`
    rejectErrorStatus(body, label)
    if (body !== undefined) answer(ackSchema, body, label)
  }

  /** Sync calls: the answer parsed with its schema. */
  async function data<S extends Schema>(
    call: Call,
    schema: S,
    o: CallOptions,
  ): Promise<ReturnType<typeof answer<S>>> {
    const body = await send(asked(call, o))
    const label = `${call.method} ${call.path}`
    rejectErrorStatus(body, label)
    return answer(schema, body, label)
  }

  function answer<S extends Schema>(schema: S, body: unknown, label: string, prefix = '') {
    const parsed = safeParse(schema, body)
    if (parsed.ok) return parsed.value
    const first = parsed.issues[0] ?? { path: '(root)', message: parsed.error }
    const path = prefix ? (first.path === '(root)' ? prefix.slice(0, -1) : prefix + first.path) : first.path
    throw new FlowError(
      FlowErrorCode.invalid_response,
      `Flow.ai's answer to ${label} does not fit the reference: ${path}: ${first.message}`,
      { path },
    )
  }

  function checkFile(file: UploadSource): void {
    if (!isBlob(file)) {
      if (!isRecord(file) || file.stream == null) {
        throw invalidInput('file', 'must be a Blob/File or { stream, filename, size?, contentType? }')
      }
      if (typeof file.filename !== 'string' || file.filename === '') {
        throw invalidInput('file.filename', 'must not be empty')
      }
    }
    const size = knownSize(file)
    if (size !== undefined && size > uploadLimit) throw tooLarge(uploadLimit)
  }

  return {
    async sendMessage(threadId, message, o = {}) {
      const path = `messages/${threadPath(threadId)}`
      const json = encode(message)
      await ack({ method: 'POST', path, json, retry: json.payload.traceId !== undefined }, o)
    },

    async sendMessageSync(threadId, message, o = {}) {
      const path = `messages/${threadPath(threadId)}?sync=true`
      const json = encode(message)
      const body = await send(
        asked({ method: 'POST', path, json, retry: json.payload.traceId !== undefined }, o),
      )
      const label = `POST ${path}`
      rejectErrorStatus(body, label)
      // The reply comes beside `status`, or (like history and threads) inside `result`: both are read.
      if (isRecord(body) && isRecord(body.result)) return answer(replySchema, body.result, label, 'result.')
      return answer(replySchema, body, label)
    },

    async uploadMedia(threadId, message, file, o = {}) {
      holdStreamErrors(file)
      const path = `messages/${threadPath(threadId)}`
      if (!isRecord(message) || message.type !== 'media')
        throw invalidInput('payload.type', 'must be "media"')
      const wire = encode(message, true)
      const query = JSON.stringify(wire)
      const { mimeType } = wire.payload as { mimeType?: string }
      checkFile(file)
      const stream = streamsRequestBodies() || !isBlob(file)
      let built = false
      await ack(
        {
          method: 'POST',
          path,
          retry: message.traceId !== undefined && isBlob(file),
          body: (progress) => {
            if (built && !isBlob(file))
              throw new FlowError(FlowErrorCode.invalid_input, 'A stream can be sent once.')
            built = true
            return createMultipartBody({
              query,
              file,
              limit: uploadLimit,
              stream,
              ...(mimeType === undefined ? {} : { fallbackContentType: mimeType }),
              onProgress: (sent) => {
                progress()
                o.onProgress?.(sent)
              },
            })
          },
        },
        o,
      )
      // A Blob body gives no progress while it goes out: report it whole once it has.
      if (!stream && isBlob(file)) o.onProgress?.(file.size)
    },

    async requestHistory(threadId, page, o = {}) {
      const n = pageNumber(page)
      const path = `messages/${threadPath(threadId)}${n === undefined ? '' : `?page=${n}`}`
      await ack({ method: 'GET', path, retry: true }, o)
    },

    async getHistory(threadId, page, o = {}) {
      const n = pageNumber(page)
      const path = `messages/${threadPath(threadId)}?sync=true${n === undefined ? '' : `&page=${n}`}`
      return (await data({ method: 'GET', path, retry: true }, historyResponseSchema, o)).result
    },

    async requestThreads(page = 1, o = {}) {
      const path = `threads?page=${pageNumber(page)}`
      await ack({ method: 'GET', path, retry: true }, o)
    },

    async getThreads(page = 1, o = {}) {
      const path = `threads?sync=true&page=${pageNumber(page)}`
      return (await data({ method: 'GET', path, retry: true }, threadsResponseSchema, o)).result
    },

    async takeover(threadId, o = {}) {
      const path = `takeover/${threadPath(threadId)}`
      await ack({ method: 'POST', path, json: {}, retry: false }, o)
    },

    async handover(threadId, secondsToPause, o = {}) {
      const path = `handover/${threadPath(threadId)}`
      const json = check(
        safeParse(handoverRequestSchema, secondsToPause === undefined ? {} : { secondsToPause }),
      )
      await ack({ method: 'POST', path, json, retry: false }, o)
    },

    async requestTriggerEvents(o = {}) {
      await ack({ method: 'GET', path: 'trigger/event', retry: true }, o)
    },

    async getTriggerEvents(o = {}) {
      const call: Call = { method: 'GET', path: 'trigger/event?sync=true', retry: true }
      return (await data(call, triggerEventsResponseSchema, o)).result.items
    },

    async triggerEvent(threadId, eventName, o = {}) {
      const thread = threadPath(threadId)
      if (typeof eventName !== 'string' || eventName === '')
        throw invalidInput('eventName', 'must not be empty')
      if (eventName.length > 255) throw invalidInput('eventName', 'must be at most 255 characters')
      const path = `trigger/event/${thread}?eventName=${encodeURIComponent(eventName)}`
      await ack({ method: 'POST', path, json: {}, retry: false }, o)
    },

    async requestBusinessHours(o = {}) {
      await ack({ method: 'GET', path: 'businesshours', retry: true }, o)
    },

    async getBusinessHours(o = {}) {
      const call: Call = { method: 'GET', path: 'businesshours?sync=true', retry: true }
      return (await data(call, businessHoursResponseSchema, o)).businessHours
    },

    async pause(threadId, o = {}) {
      const path = `pause/${threadPath(threadId)}`
      await ack({ method: 'POST', path, json: {}, retry: false }, o)
    },

    async resume(threadId, o = {}) {
      const path = `pause/${threadPath(threadId)}`
      await ack({ method: 'DELETE', path, json: {}, retry: false }, o)
    },

    async requestBotStatus(threadId, o = {}) {
      const path = `pause/${threadPath(threadId)}`
      await ack({ method: 'GET', path, retry: true }, o)
    },

    async getBotStatus(threadId, o = {}) {
      return data(
        { method: 'GET', path: `pause/${threadPath(threadId)}?sync=true`, retry: true },
        botStatusResponseSchema,
        o,
      )
    },
  }
}
