import { afterEach, describe, expect, it } from 'vitest'
import type { Relay } from '../relay.js'
import { createMemoryStorage } from '../storage/memory-storage.js'
import { createTestRelay } from '../testing/fake-flow.js'

describe('operations, operator routes and CORS', () => {
  let relay: Relay
  afterEach(async () => relay?.close())

  it('answers healthz, readyz (storage reachable) and metrics', async () => {
    const storage = createMemoryStorage()
    ;({ relay } = await createTestRelay({ storage: { ...storage, ready: () => Promise.resolve(false) } }))
    expect((await relay.app.inject({ url: '/healthz' })).statusCode).toBe(200)
    expect((await relay.app.inject({ url: '/readyz' })).statusCode).toBe(503)
    const metrics = await relay.app.inject({ url: '/metrics' })
    expect(metrics.headers['content-type']).toMatch(/^text\/plain; version=0.0.4/)
    expect(metrics.body).toMatch(/# TYPE flowchat_send_duration_seconds histogram/)
  })

  it('serves an OpenAPI document generated from the schemas', async () => {
    ;({ relay } = await createTestRelay())
    const doc = (await relay.app.inject({ url: '/openapi.json' })).json()
    expect(doc.openapi).toBe('3.1.0')
    const send =
      doc.paths['/v1/threads/{threadId}/messages'].post.requestBody.content['application/json'].schema
    expect(JSON.stringify(send)).toContain('"maxLength":255')
  })

  it('maps operator routes onto Flow.ai calls', async () => {
    let flow
    ;({ relay, flow } = await createTestRelay())
    const auth = { authorization: `Bearer ${await relay.issueToken({ operator: 'ops' })}` }
    const t = encodeURIComponent('A|o_1')
    const expectations: [string, string, object | undefined, number, string][] = [
      ['POST', `/v1/threads/${t}/pause`, undefined, 202, 'POST pause/A|o_1'],
      ['DELETE', `/v1/threads/${t}/pause`, undefined, 202, 'DELETE pause/A|o_1'],
      ['POST', `/v1/threads/${t}/handover`, { secondsToPause: 60 }, 202, 'POST handover/A|o_1'],
      ['POST', `/v1/threads/${t}/takeover`, undefined, 202, 'POST takeover/A|o_1'],
      [
        'POST',
        `/v1/threads/${t}/trigger`,
        { eventName: 'welcome' },
        202,
        'POST trigger/event/A|o_1?eventName=welcome',
      ],
    ]
    for (const [method, url, payload, status, call] of expectations) {
      const r = await relay.app.inject({
        method: method as 'POST',
        url,
        headers: auth,
        ...(payload ? { payload } : {}),
      })
      expect(r.statusCode, url).toBe(status)
      const last = flow.calls.at(-1)!
      expect(`${last.method} ${last.path}`).toBe(call)
    }
    expect(JSON.parse(flow.calls[2]!.body)).toEqual({ secondsToPause: 60 })
    const status = await relay.app.inject({ url: `/v1/threads/${t}/status`, headers: auth })
    expect(status.json()).toEqual({ threadId: 'A|o_1', isPaused: true })
    expect((await relay.app.inject({ url: '/v1/trigger-events', headers: auth })).json()).toEqual({
      items: ['welcome'],
    })
    const bad = await relay.app.inject({
      method: 'POST',
      url: `/v1/threads/${t}/handover`,
      headers: auth,
      payload: { secondsToPause: -1 },
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error.path).toBe('secondsToPause')
  })

  it('answers CORS only for configured origins, allows any requested header, and varies on Origin', async () => {
    ;({ relay } = await createTestRelay({ corsOrigins: ['https://shop.example'] }))
    const pre = await relay.app.inject({
      method: 'OPTIONS',
      url: '/v1/sessions',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'POST',
        // Sites with OpenTelemetry or Sentry tracing add these to every fetch.
        'access-control-request-headers': 'authorization, content-type, traceparent, baggage',
      },
    })
    expect(pre.statusCode).toBe(204)
    expect(pre.headers['access-control-allow-origin']).toBe('https://shop.example')
    const allowedHeaders = String(pre.headers['access-control-allow-headers']).toLowerCase()
    for (const h of ['authorization', 'content-type', 'traceparent', 'baggage'])
      expect(allowedHeaders).toContain(h)
    expect(pre.headers['access-control-allow-methods']).toMatch(/DELETE/)
    expect(pre.headers.vary).toMatch(/Origin/)

    const allowed = await relay.app.inject({
      method: 'POST',
      url: '/v1/sessions',
      headers: { origin: 'https://shop.example' },
    })
    expect(allowed.headers['access-control-allow-origin']).toBe('https://shop.example')
    expect(allowed.headers['access-control-expose-headers']).toMatch(/Retry-After/)
    expect(allowed.headers['access-control-expose-headers']).toMatch(/RateLimit-Remaining/)

    const other = await relay.app.inject({
      method: 'POST',
      url: '/v1/sessions',
      headers: { origin: 'https://evil.example' },
    })
    expect(other.headers['access-control-allow-origin']).toBeUndefined()
    // A cache between must not serve this answer to the allowed origin, or the other way round.
    expect(other.headers.vary).toMatch(/Origin/)
    const otherPreflight = await relay.app.inject({
      method: 'OPTIONS',
      url: '/v1/sessions',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    })
    expect(otherPreflight.headers['access-control-allow-origin']).toBeUndefined()
    expect(otherPreflight.statusCode).toBe(404)
  })

  it('matches a configured origin written as a URL (trailing slash, capitals, default port) to what browsers send', async () => {
    // `Origin` is always `scheme://host[:port]`, lower case, no default port, no path: an origin copied from the
    // address bar (`https://Shop.example/`) must still match it, over a real socket as a browser sends it.
    ;({ relay } = await createTestRelay({ corsOrigins: ['https://Shop.example/', 'http://b.example:80'] }))
    const url = await relay.listen()
    for (const origin of ['https://shop.example', 'http://b.example']) {
      const pre = await fetch(`${url}/v1/sessions`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST' },
      })
      expect(pre.status).toBe(204)
      expect(pre.headers.get('access-control-allow-origin')).toBe(origin)
    }
  })

  it('answers any origin with `*`', async () => {
    ;({ relay } = await createTestRelay({ corsOrigins: ['*'] }))
    const pre = await relay.app.inject({
      method: 'OPTIONS',
      url: '/v1/threads/a/messages',
      headers: {
        origin: 'https://anywhere.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'traceparent',
      },
    })
    expect(pre.statusCode).toBe(204)
    expect(pre.headers['access-control-allow-origin']).toBe('*')
    expect(pre.headers['access-control-allow-headers']).toBe('traceparent')
  })

  it('sends no CORS headers when no origin is configured (same origin only)', async () => {
    ;({ relay } = await createTestRelay())
    const r = await relay.app.inject({
      method: 'POST',
      url: '/v1/sessions',
      headers: { origin: 'https://shop.example' },
    })
    expect(r.headers['access-control-allow-origin']).toBeUndefined()
  })
})
