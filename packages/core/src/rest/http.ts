import { codeForStatus, FlowError, FlowErrorCode } from '../errors.js'
import { errorBodySchema, safeParse } from '../schemas/index.js'
import { backoffDelay } from '../retry/backoff.js'
import { parseRetryAfter } from '../retry/retry-after.js'
import { isSendableCredential } from '../sendable-credential.js'
import { isTransientFailure } from '../retry/transient.js'
import { DEFAULT_RETRY, sleepUnlessAborted, timerSleep } from './retry.js'
import type { FlowRestClientOptions, RetryOptions } from './types.js'

/** The current reference's base URL. */
export const DEFAULT_BASE_URL = 'https://api.flow.ai/rest/v1/'
/** Default per-attempt timeout, including reading the answer. */
export const DEFAULT_TIMEOUT_MS = 30_000
/** Answers larger than this are refused (a history page is a few KB). */
export const MAX_ANSWER_BYTES = 8 * 1024 * 1024

/**
 * A request body as `fetch` takes it. Spelled through `RequestInit`, which Node's types declare too: `BodyInit` is
 * the DOM library's alone, and a Node program compiled without it could not read this package's types.
 */
type RequestBody = NonNullable<RequestInit['body']>

/** One HTTP call: everything the transport needs to send, retry and report it. */
export interface HttpCall {
  method: 'GET' | 'POST' | 'DELETE'
  /** Relative to the base URL, already encoded, with its query (`messages/a%7Cb?sync=true`). */
  path: string
  /** A JSON body, sent as `application/json`. */
  json?: unknown
  /**
   * A body built fresh for each attempt (multipart uploads). Its time grows with its size: the client's
   * `deadlineMs` does not apply to such a call, and `timeoutMs` counts from the last `progress` (a chunk of it
   * went out), so only a stall times it out.
   */
  body?: (progress: () => void) => {
    body: RequestBody
    contentType: string
    failure?: () => FlowError | undefined
  }
  /** Safe to send again: reads, and sends that carry a traceId. */
  retry: boolean
  signal?: AbortSignal | undefined
  /** All attempts and back-off waits together; absent: the client's `deadlineMs` (none for a `body`). */
  deadlineMs?: number | undefined
}

/** A running deadline of one call: its signal aborts when the time is up; `stop` clears its timer. */
interface Deadline {
  ms: number
  at: number
  signal: AbortSignal
  stop: () => void
}

/**
 * A signal that aborts with `reason()` after `ms`, on the global timer (which tests may fake), and its `stop`.
 * Not `AbortSignal.timeout`: that cannot be cleared, and Node keeps such a signal (with fetch's listener and its
 * `AbortSignal.any` dependants) and its timer for the whole `ms` after the answer came, so a relay sending 150
 * messages a second held 4,500 of them.
 */
function abortAfter(ms: number, reason: () => unknown): { signal: AbortSignal; stop: () => void } {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(reason()), ms)
  return { signal: controller.signal, stop: () => clearTimeout(timer) }
}

/** Starts a deadline: a call with all its attempts and back-off waits. */
function startDeadline(ms: number): Deadline {
  return { ms, at: Date.now() + ms, ...abortAfter(ms, () => new Error(`deadline of ${ms} ms passed`)) }
}

/**
 * The timeout of an attempt whose body goes out chunk by chunk: its signal aborts once `ms` pass without a
 * `restart` (a chunk went out), so a slow upload that keeps going is not cut, a stalled one is. The global timer,
 * cleared by `stop`.
 */
export function startIdleTimeout(ms: number): { signal: AbortSignal; restart: () => void; stop: () => void } {
  const controller = new AbortController()
  let timer: ReturnType<typeof setTimeout> | undefined
  let stopped = false
  const restart = () => {
    // fetch may go on pulling the body after the answer came (a 401 before the upload was read): once the
    // attempt is over, a pull must not start a timer that keeps the process alive.
    if (stopped) return
    clearTimeout(timer)
    timer = setTimeout(
      () => controller.abort(new DOMException(`nothing went out for ${ms} ms`, 'TimeoutError')),
      ms,
    )
  }
  restart()
  const stop = () => {
    stopped = true
    clearTimeout(timer)
  }
  return { signal: controller.signal, restart, stop }
}

/** The longest delay a timer takes: a longer one fires at once (Node and browsers alike). */
export const MAX_TIMER_MS = 2 ** 31 - 1

const checkDeadline = (ms: unknown, where: string): void => {
  if (ms !== undefined && (typeof ms !== 'number' || !(ms > 0 && ms <= MAX_TIMER_MS))) {
    throw new FlowError(
      FlowErrorCode.invalid_input,
      `${where} must be a positive number of milliseconds, at most ${MAX_TIMER_MS} (about 24 days).`,
      { path: where },
    )
  }
}

/** The base URL, ending in `/`: an absolute http(s) URL, or `invalid_input` naming `baseUrl`. */
function baseUrlOf(baseUrl: string | undefined): URL {
  let base: URL | undefined
  try {
    base = new URL(baseUrl ?? DEFAULT_BASE_URL)
  } catch {
    // Not a URL: refused below.
  }
  if (!base || (base.protocol !== 'https:' && base.protocol !== 'http:')) {
    throw new FlowError(
      FlowErrorCode.invalid_input,
      'baseUrl must be an absolute http(s) URL, such as https://api.flow.ai/rest/v1/.',
      { path: 'baseUrl' },
    )
  }
  if (base.username !== '' || base.password !== '') {
    // fetch refuses such a URL, quoting it password and all in its error: refused here, the URL not repeated.
    throw new FlowError(
      FlowErrorCode.invalid_input,
      'baseUrl must not hold credentials (user:password@): Flow.ai takes only the API key, in the Authorization header.',
      { path: 'baseUrl' },
    )
  }
  if (!base.pathname.endsWith('/')) base.pathname += '/'
  return base
}

/**
 * The retry options merged with the defaults, or `invalid_input` naming the field: `retries` is a whole number from
 * 0 (`Infinity` retries until the deadline), the delays are milliseconds a timer can wait (given NaN, a negative or
 * a longer delay, a timer fires at once).
 */
function retryOptionsOf(retry: RetryOptions | false | undefined): Required<RetryOptions> {
  if (retry === false) return { ...DEFAULT_RETRY, retries: 0 }
  const merged = { ...DEFAULT_RETRY, ...retry }
  const delay = (ms: unknown) => typeof ms === 'number' && ms >= 0 && ms <= MAX_TIMER_MS
  const rules = [
    ['retries', merged.retries === Infinity || (Number.isSafeInteger(merged.retries) && merged.retries >= 0)],
    ['baseDelayMs', delay(merged.baseDelayMs)],
    ['maxDelayMs', delay(merged.maxDelayMs)],
  ] as const
  for (const [field, fits] of rules) {
    if (!fits) {
      const what = field === 'retries' ? 'a whole number' : `a number of milliseconds up to ${MAX_TIMER_MS}`
      throw new FlowError(FlowErrorCode.invalid_input, `retry.${field} must be ${what}, from 0.`, {
        path: `retry.${field}`,
      })
    }
  }
  return merged
}

/** Sends calls to Flow.ai: auth header, timeouts, retries, error mapping. Resolves with the parsed JSON answer. */
export type Transport = (call: HttpCall) => Promise<unknown>

/**
 * Whether a value can be sent as the API key: a non-empty string of printable ASCII without surrounding spaces. A
 * key with a line break or control character would make fetch throw an error that quotes the header value.
 *
 * @example
 * isUsableApiKey('ab\ncd') // false
 */
export const isUsableApiKey: (apiKey: unknown) => apiKey is string = isSendableCredential

/**
 * Creates the transport behind `createFlowRestClient`. The API key only ever goes into the `Authorization`
 * header; every error message is built from the method, the path and the status, and any text the server
 * sent back is scrubbed of the key before it is quoted.
 *
 * @example
 * const send = createTransport({ apiKey, auth: 'raw' })
 * const answer = await send({ method: 'GET', path: 'threads?sync=true&page=1', retry: true })
 */
export function createTransport(options: FlowRestClientOptions): Transport {
  if (typeof options !== 'object' || options === null) {
    throw new FlowError(
      FlowErrorCode.invalid_input,
      "options must be an object: { apiKey, auth: 'raw' | 'bearer', baseUrl?, … }.",
      { path: 'options' },
    )
  }
  const { apiKey } = options
  if (!isUsableApiKey(apiKey)) {
    throw new FlowError(
      FlowErrorCode.invalid_input,
      'apiKey must be a non-empty string of printable ASCII characters without surrounding spaces.',
      { path: 'apiKey' },
    )
  }
  if (options.auth !== 'raw' && options.auth !== 'bearer') {
    throw new FlowError(
      FlowErrorCode.invalid_input,
      "auth must be 'raw' (Authorization: <key>, the current reference) or 'bearer' (Authorization: Bearer <key>, the older one).",
      { path: 'auth' },
    )
  }
  if (options.auth === 'bearer' && /^bearer /i.test(apiKey)) {
    // The older reference's example keeps `Bearer ` in its token: `Bearer Bearer <key>` would only ever get 401s.
    throw new FlowError(
      FlowErrorCode.invalid_input,
      "apiKey starts with `Bearer `: pass the key alone, auth: 'bearer' adds it (Authorization: Bearer <key>).",
      { path: 'apiKey' },
    )
  }
  const base = baseUrlOf(options.baseUrl)
  const authorization = options.auth === 'bearer' ? `Bearer ${apiKey}` : apiKey
  // Checked here: called later, a value that is not a function fails every call as a network error, retried.
  for (const name of ['fetch', 'sleep', 'random'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new FlowError(FlowErrorCode.invalid_input, `${name} must be a function.`, { path: name })
    }
  }
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis)
  checkDeadline(options.timeoutMs, 'timeoutMs')
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const retry = retryOptionsOf(options.retry)
  const sleep = options.sleep ?? timerSleep
  const random = options.random ?? Math.random
  checkDeadline(options.deadlineMs, 'deadlineMs')

  const redact = (text: string) => redactKey(text, apiKey)

  async function attempt(call: HttpCall, label: string, deadline: Deadline | undefined): Promise<unknown> {
    // An upload's time grows with its file: its timeout starts again with each chunk that goes out.
    const idle = call.body ? startIdleTimeout(timeoutMs) : undefined
    const timer =
      idle ??
      abortAfter(
        timeoutMs,
        () => new DOMException(`no complete answer within ${timeoutMs} ms`, 'TimeoutError'),
      )
    const timeout = timer.signal
    const signals = [call.signal, timeout, deadline?.signal].filter((s) => s !== undefined)
    const signal = signals.length === 1 ? timeout : AbortSignal.any(signals)
    const headers: Record<string, string> = { Authorization: authorization, Accept: 'application/json' }
    let body: RequestBody | undefined
    let failure: (() => FlowError | undefined) | undefined
    if (call.body) {
      const built = call.body(() => idle?.restart())
      body = built.body
      headers['Content-Type'] = built.contentType
      failure = built.failure
    } else if (call.json !== undefined) {
      body = JSON.stringify(call.json)
      headers['Content-Type'] = 'application/json'
    }
    try {
      // Redirects are not followed: fetch would turn a POST into a GET of the new place on a 301, 302 or 303 (a
      // send into a history request whose {"status":"ok"} then says the message went out) and take the key along.
      const init: RequestInit & { duplex?: 'half' } = {
        method: call.method,
        headers,
        signal,
        redirect: 'manual',
      }
      if (body !== undefined) init.body = body
      // Node's fetch needs `duplex: 'half'` to send a stream; browsers that stream request bodies need it too.
      if (body instanceof ReadableStream) init.duplex = 'half'
      const response = await fetchFn(new URL(call.path, base), init)
      if (isRedirect(response)) {
        await response.body?.cancel().catch(() => undefined)
        throw redirectError(response, label)
      }
      const text = await readText(response, signal)
      if (!response.ok) throw httpError(response, text, label)
      return parseJson(text, label)
    } catch (error) {
      if (call.signal?.aborted) {
        throw new FlowError(FlowErrorCode.aborted, `${label} was aborted by the caller.`, {
          cause: call.signal.reason,
        })
      }
      if (deadline?.signal.aborted) {
        throw new FlowError(
          FlowErrorCode.timeout,
          `${label} got no complete answer within ${deadline.ms} ms, all attempts included.`,
          { cause: deadline.signal.reason },
        )
      }
      if (timeout.aborted) {
        throw new FlowError(
          FlowErrorCode.timeout,
          // A Blob in a browser goes out whole, reporting no progress: its timeout counts the whole call.
          `${label} ${body instanceof ReadableStream ? 'made no progress' : 'got no complete answer'} within ${timeoutMs} ms.`,
          {
            cause: timeout.reason,
          },
        )
      }
      const bodyFailure = failure?.()
      if (bodyFailure) throw bodyFailure
      if (error instanceof FlowError) throw error
      throw new FlowError(
        FlowErrorCode.network,
        redact(
          `${label} could not reach ${base.origin}: ${networkReason(error)}. Check baseUrl and the network.`,
        ),
        { cause: error },
      )
    } finally {
      timer.stop()
    }
  }

  function httpError(response: Response, text: string, label: string): FlowError {
    const { status } = response
    const code = codeForStatus(status)
    const retryAfterMs =
      status === 429 || status === 503 ? parseRetryAfter(response.headers.get('retry-after')) : undefined
    // Redacted inside, before it is clipped: a key cut by the clip would no longer be recognised.
    const said = serverMessage(text, apiKey)
    const quoted = said ? `: ${said}` : ''
    const advice: Partial<Record<FlowErrorCode, string>> = {
      unauthorized:
        " Check apiKey and auth: 'raw' sends `Authorization: <key>` (current reference), 'bearer' sends `Authorization: Bearer <key>` (older one).",
      forbidden: ' The API key is not allowed to do this; check it is selected in the REST integration.',
      not_found: ' Check the thread id and baseUrl.',
      rate_limited: ` Slow down${retryAfterMs === undefined ? '' : `; retry after ${Math.ceil(retryAfterMs / 1000)} s`}.`,
      unavailable: ` Try again later${retryAfterMs === undefined ? '' : ` (after ${Math.ceil(retryAfterMs / 1000)} s)`}.`,
    }
    return new FlowError(code, `Flow.ai answered ${status} to ${label}${quoted}.${advice[code] ?? ''}`, {
      status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    })
  }

  function redirectError(response: Response, label: string): FlowError {
    const { status } = response
    const location = response.headers.get('location')
    // A browser shows a redirect it did not follow as status 0 without headers: it is named as such.
    const target = location === null ? undefined : redirectTarget(location, base)
    const what =
      status === 0 ? 'a redirect' : `${status} (a redirect${target ? ` to ${quotable(target, apiKey)}` : ''})`
    return new FlowError(
      FlowErrorCode.invalid_response,
      `Flow.ai answered ${what} to ${label}, which is not followed: it could turn the call into another one. Check baseUrl (its scheme, host and path).`,
      status === 0 ? {} : { status },
    )
  }

  function parseJson(text: string, label: string): unknown {
    if (text.trim() === '') return undefined
    try {
      return JSON.parse(text) as unknown
    } catch {
      throw new FlowError(FlowErrorCode.invalid_response, `${label}: the answer is not JSON.`)
    }
  }

  return async function send(call: HttpCall): Promise<unknown> {
    const label = `${call.method} ${call.path}`
    checkDeadline(call.deadlineMs, 'deadlineMs')
    const deadlineMs = call.deadlineMs ?? (call.body ? undefined : options.deadlineMs)
    const deadline = deadlineMs === undefined ? undefined : startDeadline(deadlineMs)
    try {
      for (let n = 0; ; n++) {
        try {
          return await attempt(call, label, deadline)
        } catch (error) {
          const err = error as FlowError
          const again =
            call.retry && n < retry.retries && isTransientFailure(err) && !deadline?.signal.aborted
          if (!again) throw err
          let delay = backoffDelay(n + 1, { baseMs: retry.baseDelayMs, maxMs: retry.maxDelayMs, random })
          if (err.retryAfterMs !== undefined) {
            // The server said how long; waiting less would only be refused again.
            if (err.retryAfterMs > retry.maxDelayMs) throw err
            delay = err.retryAfterMs
          }
          // A wait that would outlast the deadline only delays the same answer: Flow.ai's own is more telling.
          if (deadline && Date.now() + delay >= deadline.at) throw err
          try {
            await sleepUnlessAborted(sleep, delay, call.signal)
          } catch (reason) {
            throw new FlowError(FlowErrorCode.aborted, `${label} was aborted by the caller.`, {
              cause: reason,
            })
          }
        }
      }
    } finally {
      deadline?.stop()
    }
  }
}

/**
 * The message an error answer carries (`{"message": …}`, `{"error": …}`), or a short plain-text body: on one
 * line, scrubbed of `apiKey`, then clipped. The order matters: a clip first could cut the key, and a cut key is no
 * longer recognised by a redaction after it.
 */
function serverMessage(text: string, apiKey: string): string | undefined {
  const trimmed = text.trim()
  if (!trimmed) return undefined
  try {
    const parsed = safeParse(errorBodySchema, JSON.parse(trimmed))
    if (parsed.ok) {
      const { message, error } = parsed.value
      const said = message ?? (typeof error === 'string' ? error : undefined)
      return said === undefined ? undefined : quotable(said, apiKey)
    }
    return undefined
  } catch {
    return /^</.test(trimmed) ? undefined : quotable(trimmed, apiKey) // an HTML error page says nothing useful
  }
}

/**
 * Text from Flow.ai fit to quote in an error: the key redacted (also as it reads once line breaks are collapsed),
 * on one line, then clipped to `max` characters. Nothing is appended to it raw afterwards.
 *
 * @example
 * quotable('bad key=k3y', 'k3y') // 'bad key=[redacted]'
 */
export function quotable(text: string, apiKey: string, max = 200): string {
  const oneLine = redactKey(redactKey(text, apiKey).replace(/\s+/g, ' '), apiKey)
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine
}

/** `text` with every occurrence of the key, and of the key with its runs of spaces collapsed, replaced. */
function redactKey(text: string, apiKey: string): string {
  let out = text.split(apiKey).join('[redacted]')
  const collapsed = apiKey.replace(/\s+/g, ' ')
  if (collapsed !== apiKey) out = out.split(collapsed).join('[redacted]')
  return out
}

/**
 * Where a redirect points, fit to name in an error: its origin and path only. A `Location` may carry a user and
 * password or a token in its query, and the error reaches logs.
 *
 * @example
 * redirectTarget('https://u:p@api.example/v2/x?token=t', base) // 'https://api.example/v2/x'
 */
function redirectTarget(location: string, base: URL): string | undefined {
  try {
    const url = new URL(location, base)
    return `${url.origin}${url.pathname}`
  } catch {
    return undefined
  }
}

/** A 3xx answer, or what a browser gives for one it did not follow (`redirect: 'manual'`). */
const isRedirect = (response: Response): boolean =>
  response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)

/** The innermost reason of a fetch failure (`ECONNREFUSED`), without any request detail. */
function networkReason(error: unknown): string {
  let e: unknown = error
  for (let i = 0; i < 4 && e instanceof Error && e.cause instanceof Error; i++) e = e.cause
  if (e instanceof Error) {
    const code = (e as Error & { code?: unknown }).code
    return typeof code === 'string' ? code : e.message
  }
  return String(e)
}

/** Reads the answer as text, refusing more than MAX_ANSWER_BYTES. */
async function readText(response: Response, signal: AbortSignal): Promise<string> {
  if (!response.body) return ''
  const reader = response.body.getReader()
  const decoder = new TextDecoder()
  let size = 0
  let text = ''
  for (;;) {
    if (signal.aborted) {
      await reader.cancel().catch(() => undefined)
      throw signal.reason as Error
    }
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel().catch(() => undefined)
      throw new FlowError(
        FlowErrorCode.invalid_response,
        `The answer is larger than ${MAX_ANSWER_BYTES / (1024 * 1024)} MB.`,
        { status: response.status },
      )
    }
    text += decoder.decode(value, { stream: true })
  }
  return text + decoder.decode()
}
