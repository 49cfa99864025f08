import { request as httpRequest } from 'node:http'
import { gzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import type { Relay } from '../relay.js'
import { createMemoryStorage } from '../storage/memory-storage.js'
import { captureLogs, createTestRelay, type FlowResponder } from '../testing/fake-flow.js'
import { sentKey } from './thread-routes.js'

/** A request with the path exactly as given: fetch and inject would resolve `.` and `..` segments first. */
function raw(url: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.path = path
    req.end()
  })
}

describe('odd input gets a clear answer in the error shape', () => {
  let relay: Relay
  afterEach(async () => relay?.close())

  async function setup(overrides = {}, respond?: FlowResponder) {
    const made = await createTestRelay(overrides, respond)
    relay = made.relay
    const operator = `Bearer ${await relay.issueToken({ operator: 'ops' })}`
    return { ...made, operator }
  }

  it('refuses a compressed body with 415 naming its Content-Encoding, on both webhook paths and on sends', async () => {
    const { flow } = await setup({ corsOrigins: ['https://shop.example'] })
    const url = await relay.listen()
    const visitor = `Bearer ${await relay.issueToken({ threadId: 't1' })}`
    const json = JSON.stringify({ type: 'text', text: 'hi' })
    const post = (to: string, encoding: string, headers: Record<string, string> = {}) =>
      fetch(to, {
        method: 'POST',
        body: encoding === 'gzip' ? gzipSync(json) : json,
        headers: { 'content-type': 'application/json', 'content-encoding': encoding, ...headers },
      })
    // The webhook URL as Flow.ai calls it (the fast path's shape), and with a query (Fastify's route).
    for (const to of [relay.webhookUrl!, `${relay.webhookUrl!}?from=test`, `${url}/v1/threads/t1/messages`]) {
      const r = await post(to, 'gzip', { authorization: visitor })
      expect(r.status, to).toBe(415)
      const body = (await r.json()) as { error: { code: string; message: string } }
      expect(body.error.code).toBe('invalid_input')
      expect(body.error.message).toContain('Content-Encoding: gzip')
    }
    expect(flow.calls).toEqual([])
    // A browser can read the refusal: the CORS headers are set.
    const fromPage = await post(`${url}/v1/threads/t1/messages`, 'gzip', {
      authorization: visitor,
      origin: 'https://shop.example',
    })
    expect(fromPage.status).toBe(415)
    expect(fromPage.headers.get('access-control-allow-origin')).toBe('https://shop.example')
    // `identity` is no compression: the send goes through.
    expect((await post(`${url}/v1/threads/t1/messages`, 'identity', { authorization: visitor })).status).toBe(
      202,
    )
    // A GET carries no body: the header means nothing there.
    const history = await fetch(`${url}/v1/threads/t1/messages`, {
      headers: { authorization: visitor, 'content-encoding': 'gzip' },
    })
    expect(history.status).toBe(200)
  })

  // `fetch(url, { method: 'POST', body: JSON.stringify(message) })` sends text/plain: the relay read the body as a
  // string and answered "(root): Invalid input: expected object, received string", which hides the real mistake.
  it('answers a JSON body sent as text/plain with 415 saying to send application/json', async () => {
    const { flow, operator } = await setup()
    const visitor = `Bearer ${await relay.issueToken({ threadId: 't1' })}`
    for (const [url, authorization] of [
      ['/v1/threads/t1/messages', visitor],
      ['/v1/sessions', undefined],
      ['/v1/threads/t1/handover', operator],
    ] as const) {
      const r = await relay.app.inject({
        method: 'POST',
        url,
        payload: JSON.stringify({ type: 'text', text: 'hi' }),
        headers: { 'content-type': 'text/plain;charset=UTF-8', ...(authorization ? { authorization } : {}) },
      })
      expect(r.statusCode, url).toBe(415)
      expect(r.json().error).toMatchObject({
        code: 'invalid_input',
        message: expect.stringMatching(/^The body is text\/plain, .*Send JSON \(application\/json\)/),
      })
    }
    expect(flow.calls).toEqual([])
  })

  it('refuses the thread ids `.` and `..` on every thread route, before calling Flow.ai', async () => {
    const { flow, operator } = await setup()
    const url = await relay.listen()
    for (const id of ['.', '..', '%2E', '%2e%2E']) {
      for (const rest of ['messages', 'status', 'events']) {
        const r = await raw(url, `/v1/threads/${id}/${rest}`, { authorization: operator })
        expect(r.status, `${id}/${rest}`).toBe(400)
        const body = JSON.parse(r.body) as { error: { code: string; path: string; message: string } }
        expect(body.error).toMatchObject({ code: 'invalid_input', path: 'threadId' })
        expect(body.error.message).toContain('must not be "." or ".."')
      }
    }
    expect(flow.calls).toEqual([])
  })

  it('answers a thread id over the length limit with 414 in the error shape, without echoing it', async () => {
    const { operator } = await setup()
    const long = 'q'.repeat(900)
    const r = await relay.app.inject({
      url: `/v1/threads/${long}/messages`,
      headers: { authorization: operator },
    })
    expect(r.statusCode).toBe(414)
    expect(r.json().error.code).toBe('invalid_input')
    expect(r.json().error.message).toMatch(/at most 256 characters/)
    expect(r.body).not.toContain('qqqq')
  })

  it('refuses a webhook naming an invalid thread id instead of filing it as a project event', async () => {
    const { secrets } = await setup()
    for (const threadId of ['..', 'x'.repeat(300), 'a\u0007b', 'a\ud800']) {
      for (const body of [
        { type: 'message', threadId, payload: {} },
        { type: 'message', payload: { threadId } },
      ]) {
        const r = await relay.app.inject({
          method: 'POST',
          url: `/webhooks/${secrets.webhookSecret}`,
          payload: body,
        })
        expect(r.statusCode).toBe(400)
        expect(r.json().error.path).toBe('threadId')
      }
    }
    const ok = await relay.app.inject({
      method: 'POST',
      url: `/webhooks/${secrets.webhookSecret}`,
      payload: { type: 'message', payload: { threadId: 'a|o_1' } },
    })
    expect(ok.statusCode).toBe(200)
  })

  it('keeps `sent` events of different threads apart whatever their traceIds spell', async () => {
    const storage = createMemoryStorage()
    const { operator } = await setup({ storage })
    expect(sentKey('X', 'b:c')).not.toBe(sentKey('X:b', 'c'))
    const send = (threadId: string, traceId: string) =>
      relay.app.inject({
        method: 'POST',
        url: `/v1/threads/${encodeURIComponent(threadId)}/messages`,
        headers: { authorization: operator },
        payload: { type: 'text', text: 'hi', traceId },
      })
    const first = await send('X', 'b:c')
    const second = await send('X:b', 'c')
    expect(first.statusCode).toBe(202)
    expect(second.statusCode).toBe(202)
    expect(first.json().eventId).toBeDefined()
    // With `sent:${threadId}:${traceId}` both were `sent:X:b:c`: the second was taken for a retry, not published.
    expect(await storage.lastId({ thread: 'X:b' })).toBe(second.json().eventId)
    expect(await storage.lastId({ thread: 'X' })).toBe(first.json().eventId)
    // A real retry (same thread, same traceId) is still published once.
    expect((await send('X', 'b:c')).json().eventId).toBe(first.json().eventId)
  })

  it('drops a `__proto__` key from a JSON body instead of calling the body invalid', async () => {
    const { operator } = await setup()
    const session = await relay.app.inject({
      method: 'POST',
      url: '/v1/sessions',
      headers: { 'content-type': 'application/json' },
      payload: '{"__proto__":{"polluted":true},"name":"Ann"}',
    })
    expect(session.statusCode).toBe(201)
    const send = await relay.app.inject({
      method: 'POST',
      url: '/v1/threads/t1/messages',
      headers: { 'content-type': 'application/json', authorization: operator },
      payload: '{"type":"text","text":"hi","params":{"__proto__":{"polluted":true},"a":1}}',
    })
    expect(send.statusCode).toBe(202)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it("logs Flow.ai's 4xx below error level, and its 5xx at error level", async () => {
    const logs = captureLogs()
    let status = 400
    const { operator } = await setup({ logger: logs.logger }, (call) =>
      call.path.startsWith('pause/') ? new Response('{"status":"error"}', { status }) : undefined,
    )
    const pause = () =>
      relay.app.inject({ method: 'POST', url: '/v1/threads/t1/pause', headers: { authorization: operator } })
    expect((await pause()).statusCode).toBe(502)
    status = 500
    expect((await pause()).statusCode).toBe(502)
    const levels = logs.lines
      .map((l) => JSON.parse(l) as { level: number; code?: string })
      .filter((l) => l.code !== undefined)
      .map((l) => l.level)
    // pino: 40 warn, 50 error.
    expect(levels).toEqual([40, 50])
  })

  it('never refreshes a token for a thread id every other route refuses', async () => {
    await setup()
    for (const threadId of ['..', '.']) {
      const token = await relay.issueToken({ threadId })
      const r = await relay.app.inject({
        method: 'POST',
        url: '/v1/sessions',
        headers: { authorization: `Bearer ${token}` },
        payload: {},
      })
      expect(r.statusCode).toBe(403)
      expect(r.json().error.code).toBe('forbidden')
    }
  })
})
