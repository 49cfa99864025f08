import { VirtualTimeScheduler } from 'rxjs'
import { describe, expect, it } from 'vitest'
import { decodeTokenClaims, refreshAt } from './jwt.js'
import { createMemoryStorage } from './memory-storage.js'
import { createRelayHttp } from './relay-http.js'
import { createSessionManager } from './session-manager.js'
import { advance, fakeJwt } from './test-doubles.js'

const json = (status: number, body: unknown) =>
  Promise.resolve(
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }),
  )

const noFetch = (() => Promise.reject(new TypeError('fetch failed'))) as typeof fetch

/** An anonymous session whose relay answers with `fetch`. */
const anonymousSession = (fetch: typeof globalThis.fetch) =>
  createSessionManager({
    session: { anonymous: true },
    http: createRelayHttp({ relayUrl: 'http://relay.test', fetch, token: () => undefined }),
    storage: createMemoryStorage(),
    storageKey: 'k',
    scheduler: new VirtualTimeScheduler(),
  })

describe('createSessionManager', () => {
  it('retries a refresh that failed on the network, sooner than the expiry', async () => {
    const scheduler = new VirtualTimeScheduler()
    const times: number[] = []
    const http = createRelayHttp({
      relayUrl: 'http://relay.test',
      fetch: (...args: Parameters<typeof fetch>) => (times.push(scheduler.now()), noFetch(...args)),
      token: () => undefined,
    })
    const session = createSessionManager({
      session: { threadId: 't1', token: fakeJwt({ iat: 0, exp: 100 }) },
      http,
      storage: createMemoryStorage(),
      storageKey: 'k',
      scheduler,
    })
    await session.ready()
    await advance(scheduler, 99_000)
    // 80 s: first try; then half the time left, at least 1 s, until the token has expired.
    expect(times).toEqual([80_000, 90_000, 95_000, 97_500, 98_750])
    expect(session.status$.value.state).toBe('ready')
    // Once expired, a network that stays down is asked every 30 s, not in a tight loop.
    await advance(scheduler, 101_000)
    expect(times.slice(5)).toEqual([99_750, 100_750, 130_750, 160_750, 190_750])
  })

  it.each([
    [
      'a gateway timeout (504)',
      () => json(504, { error: { code: 'timeout', message: 'upstream timed out' } }),
    ],
    ['rate limiting (429)', () => json(429, { error: { code: 'rate_limited', message: 'slow down' } })],
    ['no answer in time', () => Promise.reject(new DOMException('No answer', 'TimeoutError'))],
    ['the network', () => Promise.reject(new TypeError('fetch failed'))],
  ])(
    'lets the next call start the session again after %s, instead of failing it for good',
    async (_, answer) => {
      let calls = 0
      const session = anonymousSession(() =>
        ++calls === 1
          ? answer()
          : json(201, { threadId: 't1', token: fakeJwt({ exp: 9e9 }), expiresAt: 'x' }),
      )
      await expect(session.ready()).rejects.toThrow()
      expect(session.status$.value.state).toBe('pending')
      await expect(session.ready()).resolves.toMatchObject({ state: 'ready', threadId: 't1' })
    },
  )

  it('fails the session for good when the relay refuses to start one (403)', async () => {
    const session = anonymousSession(() =>
      json(403, { error: { code: 'forbidden', message: 'origin not allowed' } }),
    )
    await expect(session.ready()).rejects.toThrow(/origin not allowed/)
    expect(session.status$.value).toEqual({
      state: 'failed',
      reason: 'Could not start a session: origin not allowed',
    })
  })

  it('reads exp and iat from a JWT and refreshes at 80% of its life', () => {
    const claims = decodeTokenClaims(fakeJwt({ iat: 1000, exp: 2000, sub: 't|1', scope: 'thread' }))
    expect(claims).toEqual({ iat: 1_000_000, exp: 2_000_000 })
    // base64url without padding ('-', '_'), whatever else the payload holds (non-ASCII text).
    const other = fakeJwt({ exp: 7, sub: 'ünïcödé ~~~>>>???' })
    expect(other.split('.')[1]).toMatch(/[-_]/)
    expect(decodeTokenClaims(other)).toEqual({ exp: 7000 })
    expect(decodeTokenClaims(fakeJwt({ exp: '7' }))).toEqual({})
    expect(refreshAt(claims, 0)).toBe(1_800_000)
    expect(decodeTokenClaims('not a jwt')).toBeUndefined()
    expect(decodeTokenClaims('a.!!!.c')).toBeUndefined()
  })
})
