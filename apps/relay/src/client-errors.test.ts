import { Duplex } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { answerClientError } from './client-errors.js'
import type { Relay } from './relay.js'
import { createTestRelay } from './testing/fake-flow.js'
import { rawClient } from './testing/raw-socket.js'
import { rawStream, until } from './testing/sse-helpers.js'

const T = 'A|o_1'

interface ErrorBody {
  error: { code: string; message: string }
}

/** Requests Node's HTTP parser refuses or that arrive too slowly, sent as bytes on a real socket. */
describe('requests refused before they reach a route', () => {
  let relay: Relay
  afterEach(async () => relay?.close())

  async function setup(overrides = {}) {
    const made = await createTestRelay(overrides)
    relay = made.relay
    return { ...made, url: await relay.listen() }
  }

  /** Sends `bytes`, waits for the relay to close the connection, and reads the answer. */
  async function exchange(url: string, bytes: string) {
    const c = await rawClient(url, bytes)
    await c.closed
    return { status: c.status(), text: c.text(), body: c.json() as ErrorBody }
  }

  it('answers malformed requests in the error shape, naming the problem, and closes', async () => {
    const { url } = await setup()
    const cases: [string, string, number, RegExp][] = [
      [
        'conflicting Content-Length',
        'POST /v1/sessions HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
        400,
        /more than one Content-Length/,
      ],
      [
        'Content-Length and Transfer-Encoding',
        'POST /v1/sessions HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
        400,
        /both Content-Length and Transfer-Encoding/,
      ],
      [
        'negative length',
        'POST /v1/sessions HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n',
        400,
        /plain decimal/,
      ],
      [
        '+N length',
        'POST /v1/sessions HTTP/1.1\r\nHost: a\r\nContent-Length: +2\r\n\r\n{}',
        400,
        /plain decimal/,
      ],
      ['lowercase method', 'get /healthz HTTP/1.1\r\nHost: a\r\n\r\n', 400, /method is not valid/],
      ['HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 400, /speaks HTTP\/1\.1/],
      ['no Host', 'GET /healthz HTTP/1.1\r\n\r\n', 400, /must have a Host header/],
      [
        'an Expect other than 100-continue',
        'POST /v1/sessions HTTP/1.1\r\nHost: a\r\nExpect: bogus\r\nContent-Length: 2\r\n\r\n{}',
        417,
        /only 100-continue/,
      ],
      [
        'headers too large',
        `GET /healthz HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
        431,
        /headers are larger/,
      ],
    ]
    for (const [name, bytes, status, message] of cases) {
      const answer = await exchange(url, bytes)
      expect(answer.status, name).toBe(status)
      expect(answer.text, name).toMatch(/\r\nconnection: close\r\n/i)
      expect(answer.text, name).toMatch(/\r\ncontent-type: application\/json/i)
      expect(answer.body.error.message, name).toMatch(message)
      expect(answer.body.error.code, name).toBe(status === 431 ? 'payload_too_large' : 'invalid_input')
    }
    // HTTP/1.0 needs no Host.
    expect((await exchange(url, 'GET /healthz HTTP/1.0\r\n\r\n')).status).toBe(200)
  })

  it('answers 408 and closes a request whose body stops coming, on every path', async () => {
    const { url, secrets } = await setup({ requestTimeoutMs: 300 })
    const started = Date.now()
    const slow = await Promise.all(
      [
        // The webhook fast path, the Fastify path, and a chunked body that never ends.
        `POST /webhooks/${secrets.webhookSecret} HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"ty`,
        'POST /v1/sessions HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
        'POST /v1/sessions HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n',
        // Headers that never end.
        'GET /healthz HTTP/1.1\r\nHost: a\r\n',
      ].map((bytes) => exchange(url, bytes)),
    )
    for (const answer of slow) {
      expect(answer.status).toBe(408)
      expect(answer.text).toMatch(/\r\nconnection: close\r\n/i)
      expect(answer.body.error).toEqual({
        code: 'timeout',
        message: 'The request (headers and body) was not received in full within 300 ms.',
      })
    }
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('leaves an SSE stream open well past the request timeout', async () => {
    const { url } = await setup({ requestTimeoutMs: 100, heartbeatMs: 50 })
    const token = await relay.issueToken({ threadId: T })
    const res = await rawStream(`${url}/v1/threads/${encodeURIComponent(T)}/events`, {
      authorization: `Bearer ${token}`,
    })
    expect(res.statusCode).toBe(200)
    let text = ''
    res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')))
    // Twenty heartbeats (1 s, ten request timeouts and many timeout checks): the stream is still served.
    await until(() => (text.match(/^event: heartbeat$/gm) ?? []).length >= 20, 'twenty heartbeats')
    expect(res.destroyed).toBe(false)
    expect(text).not.toContain('408')
    res.destroy()
  })

  it('writes nothing onto a socket that cannot take it or whose answer is under way, and closes it', () => {
    const handler = answerClientError(30_000).bind({ log: { debug: () => undefined } } as never)
    const socket = (extra: object) => {
      const written: string[] = []
      const s = Object.assign(
        new Duplex({
          read() {},
          write(chunk: Buffer, _enc, cb) {
            written.push(chunk.toString())
            cb()
          },
        }),
        extra,
      )
      return { s, written }
    }
    const parseError = Object.assign(new Error('Parse Error'), { code: 'HPE_INVALID_METHOD' })
    const ended = socket({})
    ended.s.end()
    handler(parseError, ended.s)
    expect(ended.written).toEqual([])
    expect(ended.s.destroyed).toBe(true)
    const streaming = socket({ _httpMessage: { headersSent: true } })
    handler(parseError, streaming.s)
    expect(streaming.written).toEqual([])
    expect(streaming.s.destroyed).toBe(true)
    const fresh = socket({})
    handler(parseError, fresh.s)
    expect(fresh.written.join('')).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/)
  })
})
