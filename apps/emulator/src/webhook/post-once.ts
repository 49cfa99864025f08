import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'

/** The outcome of one delivery attempt. */
export type AttemptResult = { ok: true; status: number } | { ok: false; status?: number; reason: string }

/**
 * Sends one HTTP request and reports whether the answer was a 2xx. Redirects are never followed (Flow.ai
 * counts a 3xx as a failure), the answer body is discarded, and no answer within `timeoutMs` is a failure.
 * `node:http` rather than `fetch` because it gives exact control over redirects and sockets.
 *
 * @example
 * const r = await postOnce('http://127.0.0.1:3000/hook', '{"type":"message"}', { timeoutMs: 5000 })
 */
export function postOnce(
  url: string,
  body: string | undefined,
  options: {
    timeoutMs: number
    signal?: AbortSignal
    method?: 'POST' | 'GET'
    headers?: Record<string, string>
  },
): Promise<AttemptResult> {
  return new Promise((resolve) => {
    let settled = false
    const finish = (result: AttemptResult) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(result)
    }
    let target: URL
    try {
      target = new URL(url)
    } catch {
      finish({ ok: false, reason: 'invalid URL' })
      return
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest
    const bytes = body === undefined ? undefined : Buffer.from(body)
    const req = send(target, {
      method: options.method ?? 'POST',
      headers: {
        'user-agent': 'flowchat-emulator',
        ...(bytes ? { 'content-type': 'application/json', 'content-length': String(bytes.length) } : {}),
        ...options.headers,
      },
      ...(options.signal ? { signal: options.signal } : {}),
    })
    const timer = setTimeout(() => {
      finish({ ok: false, reason: `no answer within ${options.timeoutMs} ms` })
      req.destroy()
    }, options.timeoutMs)
    req.on('response', (res) => {
      const status = res.statusCode ?? 0
      res.resume()
      if (status >= 200 && status < 300) finish({ ok: true, status })
      else finish({ ok: false, status, reason: `answered ${status}` })
    })
    req.on('error', (error) => finish({ ok: false, reason: error.message }))
    req.end(bytes)
  })
}
