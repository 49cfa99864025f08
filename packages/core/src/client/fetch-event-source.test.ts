import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { FetchEventSource, MAX_FRAME_CHARS } from './fetch-event-source.js'

let server: Server | undefined
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())))

/** A real HTTP server on port 0 whose handler the test writes; returns its URL. */
async function serve(
  handler: (res: ServerResponse, headers: Record<string, unknown>) => void,
): Promise<string> {
  server = createServer((req, res) => handler(res, req.headers))
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`
}

/** Collects every event the source dispatches, until `error`. */
function record(es: FetchEventSource, names: string[]) {
  const seen: { type: string; data?: string; lastEventId?: string; code?: number }[] = []
  const done = new Promise<void>((resolve) => {
    for (const name of names)
      es.addEventListener(name, (e) => {
        const m = e as MessageEvent<string>
        seen.push({ type: e.type, data: m.data, lastEventId: m.lastEventId })
      })
    es.addEventListener('open', () => seen.push({ type: 'open' }))
    es.addEventListener('error', (e) => {
      seen.push({ type: 'error', code: (e as Event & { code?: number }).code })
      resolve()
    })
  })
  return { seen, done }
}

describe('FetchEventSource', () => {
  it('parses named events, ids, multi-line data, comments and line breaks split across chunks', async () => {
    const url = await serve((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      const chunks = [
        'retry: 3000\n\n: a comment\n\nevent: hello\ndata: {"heartbeatMs":50}\n\n',
        'id: 1-0\nevent: reply\ndata: one\r',
        '\ndata:two\r\n\r\nevent: heartbeat\ndata: {}\n\n',
        'data: unnamed\n\nevent: empty\n\n',
      ]
      let i = 0
      const next = () => {
        const chunk = chunks[i++]
        if (chunk === undefined) return void res.end()
        res.write(chunk)
        setImmediate(next)
      }
      next()
    })
    const es = new FetchEventSource(url)
    const { seen, done } = record(es, ['hello', 'reply', 'heartbeat', 'message', 'empty'])
    await done
    expect(seen).toEqual([
      { type: 'open' },
      { type: 'hello', data: '{"heartbeatMs":50}', lastEventId: '' },
      { type: 'reply', data: 'one\ntwo', lastEventId: '1-0' },
      { type: 'heartbeat', data: '{}', lastEventId: '1-0' },
      { type: 'message', data: 'unnamed', lastEventId: '1-0' },
      { type: 'error', code: undefined },
    ])
  })

  it('sends headers through the given fetch and reports a refusal with its status', async () => {
    let seenAuth: unknown
    const url = await serve((res, headers) => {
      seenAuth = headers.authorization
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"code":"unauthorized"}}')
    })
    const authorised: typeof fetch = (input, init = {}) =>
      fetch(input, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization: 'Bearer t' },
      })
    const { seen, done } = record(new FetchEventSource(url, { fetch: authorised }), [])
    await done
    expect(seenAuth).toBe('Bearer t')
    expect(seen).toEqual([{ type: 'error', code: 401 }])
  })

  it('takes a 200 that is not an event stream for a network failure, without a status', async () => {
    const url = await serve((res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<p>portal</p>'))
    const { seen, done } = record(new FetchEventSource(url), [])
    await done
    expect(seen).toEqual([{ type: 'error', code: undefined }])
  })

  it('close() ends the request and dispatches nothing more', async () => {
    let closed!: () => void
    const gone = new Promise<void>((resolve) => (closed = resolve))
    const url = await serve((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write('event: hello\ndata: {}\n\n')
      res.on('close', closed)
    })
    const es = new FetchEventSource(url)
    const events: string[] = []
    es.addEventListener('hello', () => {
      events.push('hello')
      es.close()
    })
    es.addEventListener('error', () => events.push('error'))
    await gone
    expect(events).toEqual(['hello'])
    expect(es.readyState).toBe(2)
  })

  it.each([
    ['a line that never ends', 'x'.repeat(1024 * 1024)],
    ['data lines that never end a frame', `data: ${'x'.repeat(1024 * 1024 - 7)}\n`],
  ])(
    'fails the connection on %s past the largest frame a relay sends, instead of buffering without bound',
    async (_, chunk) => {
      let written = 0
      let closed!: () => void
      const gone = new Promise<void>((resolve) => (closed = resolve))
      const url = await serve((res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' })
        res.write('event: hello\ndata: {}\n\n')
        res.on('close', closed)
        // As fast as the reader takes it, until it hangs up.
        const pump = () => {
          while (!res.destroyed) {
            written += chunk.length
            if (!res.write(chunk)) return void res.once('drain', pump)
          }
        }
        pump()
      })
      const es = new FetchEventSource(url)
      const { seen, done } = record(es, ['hello', 'message'])
      let message: string | undefined
      es.addEventListener('error', (e) => (message = (e as Event & { message?: string }).message))
      await done
      const read = written
      es.close()
      await gone
      expect(seen).toEqual([
        { type: 'open' },
        { type: 'hello', data: '{}', lastEventId: '' },
        { type: 'error', code: undefined },
      ])
      expect(message).toMatch(/frame too large/)
      // Stopped soon after the cap (what was still on the way is a few chunks), not at whatever the server sent.
      expect(read).toBeGreaterThan(MAX_FRAME_CHARS)
      expect(read).toBeLessThan(MAX_FRAME_CHARS + 64 * chunk.length)
    },
    30_000,
  )
})
