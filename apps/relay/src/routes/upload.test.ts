import { afterEach, describe, expect, it } from 'vitest'
import type { Relay } from '../relay.js'
import { createTestRelay } from '../testing/fake-flow.js'
import { rawClient } from '../testing/raw-socket.js'
import { until } from '../testing/sse-helpers.js'

const T = 'A|o_1'
const path = `/v1/threads/${encodeURIComponent(T)}/messages`
const query = '{"type":"media","mediaType":"image"}'

const part = (name: string, value: string, filename?: string) =>
  `--b\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"` : ''}\r\n\r\n${value}`

/** A multipart request on the wire; `length` may claim more than `body` (a client that stops sending). */
const request = (token: string, body: string, length = Buffer.byteLength(body)) =>
  `POST ${path} HTTP/1.1\r\nHost: relay\r\nAuthorization: Bearer ${token}\r\n` +
  `Content-Type: multipart/form-data; boundary=b\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n${body}`

/**
 * Multipart bodies that end badly, sent through a real socket: each is answered in the error shape (or, when the
 * client is gone, its upload to Flow.ai is abandoned), and the relay keeps serving.
 */
describe('a multipart upload that ends badly', () => {
  let relay: Relay
  afterEach(async () => relay?.close())

  async function setup(flow: 'reads' | 'stalls' = 'reads') {
    const made = await createTestRelay({ fetch: flow === 'reads' ? readingFetch : stallingFetch })
    relay = made.relay
    const url = await relay.listen()
    const token = await relay.issueToken({ threadId: T })
    const alive = async () => (await fetch(`${url}/healthz`)).status
    return { ...made, url, token, alive }
  }

  /** Uploads the relay started and finished (or gave up) streaming to Flow.ai; the bodies of those it finished. */
  const uploads = { started: 0, ended: 0, bodies: [] as string[] }
  afterEach(() => Object.assign(uploads, { started: 0, ended: 0, bodies: [] }))
  /**
   * Flow.ai reads the whole upload as it arrives before answering, as the real one does. It does not watch the
   * abort signal: the read ends only when the relay ends or fails the file stream it gave.
   */
  const readingFetch: typeof fetch = async (input, init) => {
    const body = new Request(input, init).body
    uploads.started++
    let text = ''
    try {
      for await (const chunk of body ?? []) text += Buffer.from(chunk).toString('utf8')
      uploads.bodies.push(text)
    } finally {
      uploads.ended++
    }
    return Response.json({ status: 'ok' })
  }
  /** A Flow.ai not reached yet (its connection still opening): it reads nothing until the relay gives up. */
  const stallingFetch: typeof fetch = (_input, init) =>
    new Promise((_resolve, reject) => {
      init?.signal?.addEventListener('abort', () => reject(init.signal!.reason as Error))
    })

  it('answers a form cut off inside the file 400 and keeps running', async () => {
    // Before Flow.ai pulls a byte: the file stream's own error had no listener and killed the process.
    const { url, token, alive } = await setup('stalls')
    const c = await rawClient(
      url,
      request(token, `${part('query', query)}\r\n${part('file', 'abc', 'a.png')}`),
    )
    await c.closed
    expect(c.status()).toBe(400)
    expect(c.json()).toEqual({
      error: {
        code: 'invalid_input',
        message: expect.stringMatching(/multipart body ends before its closing boundary/),
      },
    })
    expect(await alive()).toBe(200)
  })

  it('answers a form cut off before the file, or with a broken part header, 400', async () => {
    const { url, token, alive } = await setup()
    for (const body of [
      part('query', query),
      `${part('query', query)}\r\n--b\r\nContent-Disposition: form-data; name="file"; filename="a.png"`,
      '--b\r\nno header here\r\n\r\n',
    ]) {
      const c = await rawClient(url, request(token, body))
      await c.closed
      expect(c.status(), body).toBe(400)
      expect((c.json() as { error: { code: string } }).error.code, body).toBe('invalid_input')
    }
    expect(await alive()).toBe(200)
  })

  it('skips a part named otherwise, even one cut off, and a second file', async () => {
    const { url, token, alive } = await setup()
    const c = await rawClient(
      url,
      request(token, `${part('query', query)}\r\n${part('other', 'abc', 'a.png')}`),
    )
    await c.closed
    expect(c.status()).toBe(400)
    expect((c.json() as { error: { code: string } }).error.code).toBe('invalid_input')
    const two = `${part('query', query)}\r\n${part('file', 'abc', 'a.png')}\r\n${part('file', 'def', 'b.png')}\r\n--b--\r\n`
    const ok = await rawClient(url, request(token, two))
    await ok.closed
    expect(ok.status()).toBe(202)
    expect(uploads.bodies).toHaveLength(1)
    expect(uploads.bodies[0]).toContain('abc')
    expect(uploads.bodies[0]).not.toContain('def')
    expect(await alive()).toBe(200)
  })

  it('answers a `query` field past its bound 413 naming it, not "must be JSON"', async () => {
    const { url, token, alive } = await setup()
    // Valid JSON (a send's params), larger than the field bound: cut there, it no longer parsed.
    const big = JSON.stringify({ type: 'media', mediaType: 'image', params: { note: 'x'.repeat(70_000) } })
    const body = `${part('query', big)}\r\n${part('file', 'abc', 'a.png')}\r\n--b--\r\n`
    const c = await rawClient(url, request(token, body))
    await c.closed
    expect(c.status()).toBe(413)
    expect(c.json()).toEqual({
      error: {
        code: 'payload_too_large',
        message: 'query: must be at most 65536 bytes.',
        path: 'query',
      },
    })
    expect(uploads.started).toBe(0)
    expect(await alive()).toBe(200)
  })

  it('abandons the upload to Flow.ai when the client goes away mid-file', async () => {
    const { url, token, alive } = await setup()
    const body = `${part('query', query)}\r\n${part('file', 'x'.repeat(4096), 'a.png')}`
    const c = await rawClient(url, request(token, body, 100_000))
    // The relay has started the upload (Flow.ai's side is reading it) before the client leaves.
    await until(() => uploads.started > 0, 'the upload to Flow.ai to start')
    c.socket.destroy()
    await until(() => uploads.ended > 0, "Flow.ai's read of the upload to end")
    expect(uploads.bodies).toEqual([])
    expect(await alive()).toBe(200)
  })
})
