/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment -- test helper: JSON bodies are asserted loosely by shape, as in the *.test.ts files */
import type { Emulator } from '../emulator.js'

/** How a test authenticates: the current reference's raw key or the older one's Bearer. */
export type Style = 'raw' | 'bearer'

/** A small fetch wrapper for tests: JSON in, `{ status, json }` out. */
export function client(emulator: Emulator, style: Style = 'raw') {
  const authorization = style === 'raw' ? emulator.apiKey : `Bearer ${emulator.apiKey}`
  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(emulator.restUrl + path, {
      method,
      headers: {
        authorization,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    })
    const text = await res.text()
    const json: any = text ? JSON.parse(text) : undefined
    return { status: res.status, json, text }
  }
  return {
    call,
    get: (path: string) => call('GET', path),
    post: (path: string, body?: unknown) => call('POST', path, body),
    del: (path: string) => call('DELETE', path, {}),
    send: (threadId: string, payload: Record<string, unknown>, query = '') =>
      call('POST', `messages/${encodeURIComponent(threadId)}${query}`, {
        payload: { originator: { name: 'Ann', role: 'external' }, ...payload },
      }),
  }
}

export const text = (speech: string, extra: Record<string, unknown> = {}) => ({
  type: 'text',
  speech,
  ...extra,
})
