import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Relay } from '../relay.js'
import { createTestRelay } from '../testing/fake-flow.js'
import { createTokenService } from '../token-service.js'

/** Every route that touches a thread, with a body that would be valid. */
const threadRoutes = (thread: string) => {
  const t = encodeURIComponent(thread)
  return [
    { method: 'GET', url: `/v1/threads/${t}/events` },
    { method: 'POST', url: `/v1/threads/${t}/messages`, payload: { type: 'text', text: 'hi' } },
    { method: 'GET', url: `/v1/threads/${t}/messages?page=1` },
    { method: 'POST', url: `/v1/threads/${t}/pause` },
    { method: 'DELETE', url: `/v1/threads/${t}/pause` },
    { method: 'GET', url: `/v1/threads/${t}/status` },
    { method: 'POST', url: `/v1/threads/${t}/handover`, payload: {} },
    { method: 'POST', url: `/v1/threads/${t}/takeover` },
    { method: 'POST', url: `/v1/threads/${t}/trigger`, payload: { eventName: 'x' } },
  ] as const
}
const operatorOnly = [
  { method: 'GET', url: '/v1/events' },
  { method: 'GET', url: '/v1/threads' },
  { method: 'GET', url: '/v1/trigger-events' },
] as const

describe('authorization on every route', () => {
  let relay: Relay
  let tokenSecret: string
  let calls: { path: string }[]
  let tokenA: string
  beforeAll(async () => {
    const made = await createTestRelay()
    relay = made.relay
    tokenSecret = made.secrets.tokenSecret
    calls = made.flow.calls
    tokenA = await relay.issueToken({ threadId: 'A|o_1' })
  })
  afterAll(async () => relay.close())

  it.each(threadRoutes('B|o_1'))(
    'a thread token for A never reaches thread B: $method $url',
    async (route) => {
      const before = calls.length
      const r = await relay.app.inject({ ...route, headers: { authorization: `Bearer ${tokenA}` } })
      expect(r.statusCode).toBe(403)
      expect(r.json().error.code).toBe('forbidden')
      expect(calls.length).toBe(before)
    },
  )

  it.each(threadRoutes('B|o_1'))(
    'the access_token query is accepted only on the SSE GET, and checked the same way: $method $url',
    async (route) => {
      const sep = route.url.includes('?') ? '&' : '?'
      const r = await relay.app.inject({ ...route, url: `${route.url}${sep}access_token=${tokenA}` })
      const sse = route.method === 'GET' && route.url.endsWith('/events')
      // Elsewhere a token in the URL would end up in proxy logs: only EventSource needs it.
      expect(r.statusCode).toBe(sse ? 403 : 401)
      if (!sse) expect(r.json().error.message).toMatch(/Authorization: Bearer/)
    },
  )

  it("a thread token in ?access_token= is refused even on its own thread's JSON routes", async () => {
    const own = await relay.app.inject({
      method: 'GET',
      url: `/v1/threads/${encodeURIComponent('A|o_1')}/messages?access_token=${tokenA}`,
    })
    expect(own.statusCode).toBe(401)
  })

  it.each([...threadRoutes('A|o_1'), ...operatorOnly, { method: 'GET', url: '/v1/business-hours' }] as const)(
    'no token, or a forged one, is 401: $method $url',
    async (route) => {
      const none = await relay.app.inject(route)
      expect(none.statusCode).toBe(401)
      expect(none.json().error.code).toBe('unauthorized')
      const forged = `${tokenA.slice(0, -4)}AAAA`
      const bad = await relay.app.inject({ ...route, headers: { authorization: `Bearer ${forged}` } })
      expect(bad.statusCode).toBe(401)
    },
  )

  it.each([...threadRoutes('A|o_1').slice(3), ...operatorOnly])(
    'operator routes refuse a thread token, even for its own thread: $method $url',
    async (route) => {
      const r = await relay.app.inject({ ...route, headers: { authorization: `Bearer ${tokenA}` } })
      expect(r.statusCode).toBe(403)
    },
  )

  it('an expired token is 401 and says how to get a fresh one', async () => {
    // Issued with the relay's secret by a clock an hour behind: a one-second token that expired long ago.
    const past = createTokenService({ secret: tokenSecret, ttlSeconds: 1, now: () => Date.now() - 3_600_000 })
    const { token: expired } = past.issue({ threadId: 'A|o_1' })
    const r = await relay.app.inject({
      url: '/v1/threads/A%7Co_1/messages',
      headers: { authorization: `Bearer ${expired}` },
    })
    expect(r.statusCode).toBe(401)
    expect(r.json().error.message).toMatch(/expired.*\/v1\/sessions/)
  })
})
