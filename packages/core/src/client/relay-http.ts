import type * as z from 'zod/mini'
import { FlowError, FlowErrorCode, codeForStatus, toFlowError } from '../errors.js'
import { parseRetryAfter } from '../retry/retry-after.js'
import { safeParse } from '../schemas/parse.js'

export interface RelayRequest<S extends z.ZodMiniType | undefined> {
  body?: unknown
  /** Validates the answer; without it the answer is ignored. */
  schema?: S
  /** Bearer token; `null` sends none. Default: the current session token. */
  token?: string | null
  query?: Record<string, string | number | undefined>
}

export interface RelayHttp {
  /** JSON request to the relay; throws a `FlowError` with the relay's code and message on a non-2xx answer. */
  request<S extends z.ZodMiniType | undefined = undefined>(
    method: string,
    path: string,
    options?: RelayRequest<S>,
  ): Promise<S extends z.ZodMiniType ? z.output<S> : undefined>
  /** The absolute URL of a relay path. */
  url(path: string, query?: Record<string, string | number | undefined>): string
}

/** The FlowError for a relay error answer (`{"error":{code,message,path}}`), whatever its body. */
export async function relayError(response: Response): Promise<FlowError> {
  let body: unknown
  try {
    body = await response.json()
  } catch {
    body = undefined
  }
  const error = (body as { error?: { code?: unknown; message?: unknown; path?: unknown } } | undefined)?.error
  const code =
    typeof error?.code === 'string' && Object.hasOwn(FlowErrorCode, error.code)
      ? (error.code as FlowErrorCode)
      : codeForStatus(response.status)
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'))
  return new FlowError(
    code,
    typeof error?.message === 'string' ? error.message : `The relay answered HTTP ${response.status}.`,
    {
      status: response.status,
      ...(retryAfterMs ? { retryAfterMs } : {}),
      ...(typeof error?.path === 'string' ? { path: error.path } : {}),
    },
  )
}

/**
 * The relay's JSON routes over an injected `fetch`.
 *
 * @example
 * const http = createRelayHttp({ relayUrl, fetch, token: () => session.token() })
 * await http.request('POST', '/v1/threads/t1/pause')
 */
export function createRelayHttp(options: {
  relayUrl: string
  fetch: typeof fetch
  token: () => string | undefined
}): RelayHttp {
  const base = options.relayUrl.replace(/\/+$/, '')
  const url = (path: string, query?: Record<string, string | number | undefined>) => {
    const params = new URLSearchParams()
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) params.set(k, String(v))
    const qs = params.toString()
    return `${base}${path}${qs ? `?${qs}` : ''}`
  }
  return {
    url,
    async request(method, path, req = {}) {
      const token = req.token === undefined ? options.token() : req.token
      const headers: Record<string, string> = { accept: 'application/json' }
      if (token) headers.authorization = `Bearer ${token}`
      if (req.body !== undefined) headers['content-type'] = 'application/json'
      let response: Response
      try {
        response = await options.fetch(url(path, req.query), {
          method,
          headers,
          ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
        })
      } catch (error) {
        throw toFlowError(error)
      }
      if (!response.ok) throw await relayError(response)
      if (!req.schema) return undefined as never
      let json: unknown
      try {
        json = await response.json()
      } catch (error) {
        throw new FlowError(
          FlowErrorCode.invalid_response,
          `The relay's answer to ${method} ${path} is not JSON.`,
          {
            status: response.status,
            cause: error,
          },
        )
      }
      const parsed = safeParse(req.schema, json)
      if (!parsed.ok) {
        throw new FlowError(
          FlowErrorCode.invalid_response,
          `The relay's answer to ${method} ${path} is not as documented: ${parsed.error}`,
          { status: response.status },
        )
      }
      return parsed.value as never
    },
  }
}
