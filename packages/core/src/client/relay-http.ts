import { FlowError, FlowErrorCode, codeForStatus, toFlowError } from '../errors.js'
import { parseRetryAfter } from '../retry/retry-after.js'

/** Default bound of one relay request, answer body included: a stalled request fails instead of blocking. */
export const DEFAULT_RELAY_TIMEOUT_MS = 30_000

/** Per-request options of every relay call. */
export interface RelayCallOptions {
  /** Bearer token; `null` sends none. Default: the current session token. */
  token?: string | null
}

/** Reads a relay answer: the value, or the rule it broke (a zod schema's `safeParse`; a light reader's is `''`). */
export type AnswerReader<T> = (json: unknown) => { ok: true; value: T } | { ok: false; error: string }

export interface RelayRequest<T> extends RelayCallOptions {
  body?: unknown
  /** Reads and checks the answer; without it the answer is ignored. */
  read?: AnswerReader<T>
  query?: Record<string, string | number | undefined>
}

export interface RelayHttp {
  /** JSON request to the relay; throws a `FlowError` with the relay's code and message on a non-2xx answer. */
  request<T = undefined>(method: string, path: string, options?: RelayRequest<T>): Promise<T>
  /** The absolute URL of a relay path. */
  url(path: string, query?: Record<string, string | number | undefined>): string
}

/** The FlowError for a relay error answer (`{"error":{code,message,path}}`), whatever its body. */
export async function relayError(response: Response): Promise<FlowError> {
  const { status } = response
  const body: unknown = await response.json().catch(() => undefined)
  const error = (body as { error?: { code?: unknown; message?: unknown; path?: unknown } } | undefined)?.error
  const code =
    typeof error?.code === 'string' && Object.hasOwn(FlowErrorCode, error.code)
      ? (error.code as FlowErrorCode)
      : status < 400
        ? 'invalid_response'
        : codeForStatus(status)
  return new FlowError(
    code,
    typeof error?.message === 'string'
      ? error.message
      : `The relay answered HTTP ${status}${status < 400 ? ' (a redirect: check relayUrl)' : ''}.`,
    {
      status,
      // A wait of 0 (a date already past) is no wait.
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after')) || undefined,
      path: typeof error?.path === 'string' ? error.path : undefined,
    },
  )
}

/**
 * The answer of a relay request, read by `read` (none: ignored): a non-2xx answer throws the relay's error, an
 * answer that is not JSON or not as documented throws `invalid_response` naming the request.
 *
 * @example
 * const accepted = await readAnswer(response, 'POST /v1/threads/t1/messages', sendMessage.read)
 */
export async function readAnswer<T>(
  response: Response,
  request: string,
  read: AnswerReader<T> | undefined,
): Promise<T | undefined> {
  if (!response.ok) throw await relayError(response)
  if (!read) return undefined
  // Undefined when the answer is not JSON at all.
  const parsed = await response.json().then(read, () => undefined)
  if (!parsed?.ok) {
    const what = parsed ? `as documented${parsed.error && `: ${parsed.error}`}` : 'JSON'
    throw new FlowError('invalid_response', `The relay's answer to ${request} is not ${what}`, {
      status: response.status,
    })
  }
  return parsed.value
}

/**
 * The relay's JSON routes over an injected `fetch`, each request bounded by a timeout.
 *
 * @example
 * const http = createRelayHttp({ relayUrl, fetch, token: () => session.token() })
 * await callRelay(http, pauseRoute, { params: { threadId: 't1' } })
 */
export function createRelayHttp(options: {
  /** Without a trailing slash (`createFlowChat` normalises it). */
  relayUrl: string
  fetch: typeof fetch
  token: () => string | undefined
  /** Default `DEFAULT_RELAY_TIMEOUT_MS`. */
  timeoutMs?: number
}): RelayHttp {
  const url = (path: string, query?: Record<string, string | number | undefined>) => {
    const params = new URLSearchParams()
    for (const [k, v] of Object.entries(query ?? {}))
      // `set` reads the value as a string itself.
      if (v !== undefined) params.set(k, v as string)
    const qs = params.toString()
    return `${options.relayUrl}${path}${qs ? `?${qs}` : ''}`
  }

  async function send(method: string, path: string, req: RelayRequest<unknown> = {}): Promise<unknown> {
    const token = req.token === undefined ? options.token() : req.token
    const headers: Record<string, string> = { accept: 'application/json' }
    if (token) headers.authorization = `Bearer ${token}`
    if (req.body !== undefined) headers['content-type'] = 'application/json'
    // The request, answer body included, is aborted after the timeout with a `TimeoutError`, which `toFlowError`
    // names `timeout`. The platform's timer: it keeps no Node process alive and needs no clearing.
    const bound = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_RELAY_TIMEOUT_MS)
    try {
      const response = await options.fetch(url(path, req.query), {
        method,
        headers,
        signal: bound,
        redirect: 'manual',
        // JSON.stringify(undefined) is undefined: no body.
        body: JSON.stringify(req.body),
      })
      return await readAnswer(response, `${method} ${path}`, req.read)
    } catch (error) {
      // An aborted fetch rejects with an AbortError in older runtimes: the bound's reason says why.
      throw toFlowError(bound.reason ?? error)
    }
  }

  return {
    url,
    request: send as RelayHttp['request'],
  }
}
