import { afterEach, describe, expect, it } from 'vitest'
import { SignJWT } from 'jose'
import type { Relay } from '../relay.js'
import { createTestRelay } from '../testing/fake-flow.js'

describe('sessions', () => {
  let relay: Relay
  afterEach(async () => relay?.close())

  it('creates an anonymous thread with a token that works on that thread', async () => {
    ;({ relay } = await createTestRelay())
    const r = await relay.app.inject({ method: 'POST', url: '/v1/sessions', payload: { name: 'Ann' } })
    expect(r.statusCode).toBe(201)
    const { threadId, token, expiresAt } = r.json<{ threadId: string; token: string; expiresAt: string }>()
    expect(new Date(expiresAt).getTime()).toBeGreaterThan(Date.now())
    const history = await relay.app.inject({
      url: `/v1/threads/${encodeURIComponent(threadId)}/messages`,
      headers: { authorization: `Bearer ${token}` },
    })
    expect(history.statusCode).toBe(200)
  })

  it('refreshes a valid token, and one expired less than 24 h ago, for the same thread', async () => {
    let secrets
    ;({ relay, secrets } = await createTestRelay())
    const token = await relay.issueToken({ threadId: 't1', name: 'Ann' })
    const r = await relay.app.inject({
      method: 'POST',
      url: '/v1/sessions',
      headers: { authorization: `Bearer ${token}` },
    })
    expect(r.statusCode).toBe(200)
    expect(r.json().threadId).toBe('t1')
    const key = new TextEncoder().encode(secrets.tokenSecret)
    const now = Math.floor(Date.now() / 1000)
    const sign = (exp: number) =>
      new SignJWT({ scope: 'thread' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('t1')
        .setIssuedAt(exp - 60)
        .setExpirationTime(exp)
        .sign(key)
    const recent = await relay.app.inject({
      method: 'POST',
      url: '/v1/sessions',
      headers: { authorization: `Bearer ${await sign(now - 3600)}` },
    })
    expect(recent.statusCode).toBe(200)
    const old = await relay.app.inject({
      method: 'POST',
      url: '/v1/sessions',
      headers: { authorization: `Bearer ${await sign(now - 25 * 3600)}` },
    })
    expect(old.statusCode).toBe(401)
  })

  it('refuses anonymous sessions when disabled, and an operator token refresh', async () => {
    ;({ relay } = await createTestRelay({ anonymousSessions: false }))
    expect((await relay.app.inject({ method: 'POST', url: '/v1/sessions' })).statusCode).toBe(403)
    const op = await relay.issueToken({ operator: 'ops' })
    const r = await relay.app.inject({
      method: 'POST',
      url: '/v1/sessions',
      headers: { authorization: `Bearer ${op}` },
    })
    expect(r.statusCode).toBe(403)
  })

  it('names the bad field', async () => {
    ;({ relay } = await createTestRelay())
    const r = await relay.app.inject({ method: 'POST', url: '/v1/sessions', payload: { name: '' } })
    expect(r.statusCode).toBe(400)
    expect(r.json().error.path).toBe('name')
  })

  it('rate-limits session creation per IP with Retry-After', async () => {
    ;({ relay } = await createTestRelay({ rateLimit: { sessionsPerIp: { burst: 2, perSecond: 0.1 } } }))
    const codes = []
    for (let i = 0; i < 3; i++)
      codes.push((await relay.app.inject({ method: 'POST', url: '/v1/sessions' })).statusCode)
    expect(codes).toEqual([201, 201, 429])
    const r = await relay.app.inject({ method: 'POST', url: '/v1/sessions' })
    expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    expect(r.json().error.code).toBe('rate_limited')
  })

  it('gives an operator token for the operator password only', async () => {
    let secrets
    ;({ relay, secrets } = await createTestRelay())
    const wrong = await relay.app.inject({
      method: 'POST',
      url: '/v1/operator/sessions',
      headers: { authorization: 'Bearer nope' },
    })
    expect(wrong.statusCode).toBe(401)
    const ok = await relay.app.inject({
      method: 'POST',
      url: '/v1/operator/sessions',
      headers: { authorization: `Bearer ${secrets.operatorPassword}` },
      payload: { name: 'Bea' },
    })
    expect(ok.statusCode).toBe(201)
    const threads = await relay.app.inject({
      url: '/v1/threads',
      headers: { authorization: `Bearer ${ok.json().token}` },
    })
    expect(threads.statusCode).toBe(200)
    expect(threads.json().threads).toEqual(['a', 'b'])
  })

  it('has no operator sessions without a password', async () => {
    ;({ relay } = await createTestRelay({ operatorPassword: undefined }))
    expect((await relay.app.inject({ method: 'POST', url: '/v1/operator/sessions' })).statusCode).toBe(404)
  })
})
