import { afterEach, describe, expect, it } from 'vitest'
import type { Relay } from './relay.js'
import { createTestRelay } from './testing/fake-flow.js'

describe('metrics (prom-client)', () => {
  let relay: Relay | undefined
  afterEach(async () => relay?.close())

  it("serves the relay's own metrics beside process and Node runtime ones", async () => {
    let secrets
    ;({ relay, secrets } = await createTestRelay())
    await relay.app.inject({
      method: 'POST',
      url: `/webhooks/${secrets.webhookSecret}`,
      payload: { type: 'message', threadId: 't1', payload: {} },
    })
    const r = await relay.app.inject({ url: '/metrics' })
    expect(r.statusCode).toBe(200)
    expect(r.headers['content-type']).toMatch(/^text\/plain; version=0.0.4/)
    expect(r.body).toMatch(/^flowchat_webhooks_received_total 1$/m)
    expect(r.body).toMatch(/# TYPE flowchat_send_duration_seconds histogram/)
    expect(r.body).toMatch(/^flowchat_open_streams 0$/m)
    // Every rejection reason is there from the start, at 0, so `rate()` and alerts see it before the first one.
    for (const reason of ['secret', 'json', 'too_large', 'invalid', 'storage']) {
      expect(r.body).toMatch(new RegExp(`^flowchat_webhooks_rejected_total\\{reason="${reason}"\\} 0$`, 'm'))
    }
    for (const name of [
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
      'process_resident_memory_bytes',
      'nodejs_gc_duration_seconds',
    ]) {
      expect(r.body).toContain(`# TYPE ${name}`)
    }
  })

  it('requires the metrics token when there is one', async () => {
    ;({ relay } = await createTestRelay({ metricsToken: 'metrics-secret-123' }))
    expect((await relay.app.inject({ url: '/metrics' })).statusCode).toBe(401)
    const wrong = await relay.app.inject({ url: '/metrics', headers: { authorization: 'Bearer nope' } })
    expect(wrong.statusCode).toBe(401)
    expect(wrong.json().error.code).toBe('unauthorized')
    const right = await relay.app.inject({
      url: '/metrics',
      headers: { authorization: 'Bearer metrics-secret-123' },
    })
    expect(right.statusCode).toBe(200)
    expect(right.body).toContain('flowchat_webhooks_received_total')
  })

  it('moves to a port of its own, off the API port', async () => {
    ;({ relay } = await createTestRelay({ metricsPort: 0, metricsToken: 'metrics-secret-123' }))
    const url = await relay.listen()
    expect((await fetch(`${url}/metrics`)).status).toBe(404)
    expect(relay.metricsUrl).toBeDefined()
    const metricsUrl = relay.metricsUrl as string
    expect(metricsUrl).not.toContain(new URL(url).port)
    expect((await fetch(metricsUrl)).status).toBe(401)
    const r = await fetch(metricsUrl, { headers: { authorization: 'Bearer metrics-secret-123' } })
    expect(r.status).toBe(200)
    expect(await r.text()).toContain('nodejs_eventloop_lag_seconds')
    const doc = (await (await fetch(`${url}/openapi.json`)).json()) as { paths: Record<string, unknown> }
    expect(doc.paths).not.toHaveProperty('/metrics')
    expect(doc.paths).toHaveProperty('/healthz')
  })
})
