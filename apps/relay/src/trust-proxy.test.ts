import { afterEach, describe, expect, it } from 'vitest'
import type { Relay } from './relay.js'
import { createTestRelay } from './testing/fake-flow.js'

/**
 * Behind a proxy that appends to `X-Forwarded-For` (nginx's `$proxy_add_x_forwarded_for`, HAProxy's
 * `option forwardfor`, as the README's configurations do), the entries before the proxy's own are whatever the
 * client sent. Over real sockets: the relay's peer plays the proxy.
 */
describe('--trust-proxy', () => {
  let relay: Relay
  afterEach(async () => relay?.close())

  const createSession = (url: string, forwardedFor: string) =>
    fetch(`${url}/v1/sessions`, { method: 'POST', headers: { 'x-forwarded-for': forwardedFor } }).then(
      (r) => r.status,
    )

  it('takes the address the proxy saw, so a client cannot pick its own with X-Forwarded-For', async () => {
    ;({ relay } = await createTestRelay({
      trustProxy: true,
      rateLimit: { sessionsPerIp: { burst: 1, perSecond: 0 } },
    }))
    const url = await relay.listen()
    // One client (the proxy saw 203.0.113.7) claiming a new address on each request.
    expect(await createSession(url, '198.51.100.1, 203.0.113.7')).toBe(201)
    expect(await createSession(url, '198.51.100.2, 203.0.113.7')).toBe(429)
    expect(await createSession(url, '203.0.113.7')).toBe(429)
    // Another client, as the proxy saw it: its own limit.
    expect(await createSession(url, '198.51.100.1, 203.0.113.8')).toBe(201)
  })

  it('behind two proxies (a CDN, then nginx), takes the address the outer one saw', async () => {
    ;({ relay } = await createTestRelay({
      trustProxy: 2,
      rateLimit: { sessionsPerIp: { burst: 1, perSecond: 0 } },
    }))
    const url = await relay.listen()
    // The client claims 198.51.100.x; the CDN saw 203.0.113.7; nginx saw the CDN's edge, 192.0.2.1.
    expect(await createSession(url, '198.51.100.1, 203.0.113.7, 192.0.2.1')).toBe(201)
    expect(await createSession(url, '198.51.100.2, 203.0.113.7, 192.0.2.1')).toBe(429)
    // Another visitor through the same CDN edge has a limit of its own.
    expect(await createSession(url, '203.0.113.8, 192.0.2.1')).toBe(201)
  })

  it('without it, X-Forwarded-For is ignored: the peer is the client', async () => {
    ;({ relay } = await createTestRelay({ rateLimit: { sessionsPerIp: { burst: 1, perSecond: 0 } } }))
    const url = await relay.listen()
    expect(await createSession(url, '203.0.113.7')).toBe(201)
    expect(await createSession(url, '203.0.113.8')).toBe(429)
  })
})
