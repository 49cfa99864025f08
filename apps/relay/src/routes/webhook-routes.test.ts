import { Readable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryStorage } from '../storage/memory-storage.js'
import type { EventStorage } from '../storage/types.js'
import { captureLogs, createTestRelay } from '../testing/fake-flow.js'
import type { Relay } from '../relay.js'

const reply = (threadId: string, text = 'Hi') =>
  JSON.stringify({
    type: 'message',
    payload: {
      threadId,
      traceId: '7',
      messages: [{ fallback: text, responses: [{ type: 'text', payload: { text } }] }],
    },
  })

describe('webhook ingest', () => {
  let relay: Relay
  afterEach(async () => relay?.close())

  async function setup(storage?: EventStorage) {
    const made = await createTestRelay({ ...(storage ? { storage } : {}), bodyLimitBytes: 4096 })
    relay = made.relay
    const post = (body: string, secret = made.secrets.webhookSecret) =>
      relay.app.inject({
        method: 'POST',
        url: `/webhooks/${secret}`,
        payload: body,
        headers: { 'content-type': 'application/json' },
      })
    return { ...made, post }
  }

  it('answers the probe on the secret URL, 404 elsewhere', async () => {
    const { secrets } = await setup()
    expect((await relay.app.inject({ url: `/webhooks/${secrets.webhookSecret}` })).statusCode).toBe(200)
    const wrong = await relay.app.inject({ url: '/webhooks/nope' })
    expect(wrong.statusCode).toBe(404)
    expect(wrong.json().error.code).toBe('not_found')
  })

  it('stores an event on its thread and the operators stream, once per identical delivery', async () => {
    const storage = createMemoryStorage()
    const { post } = await setup(storage)
    const seen: unknown[] = []
    const ops: unknown[] = []
    storage.subscribe({ thread: 't1|o_1' }, (e) => seen.push(e))
    storage.subscribe('operators', (e) => ops.push(e))
    const first = await post(reply('t1|o_1'))
    expect(first.statusCode).toBe(200)
    expect(first.json()).toEqual({ status: 'ok', duplicate: false })
    const retry = await post(reply('t1|o_1'))
    expect(retry.json()).toEqual({ status: 'ok', duplicate: true })
    expect(seen).toHaveLength(1)
    expect(ops).toHaveLength(1)
    expect(seen[0]).toMatchObject({
      threadId: 't1|o_1',
      kind: 'reply',
      type: 'message',
      source: 'webhook',
      body: JSON.parse(reply('t1|o_1')),
    })
    const metrics = (await relay.app.inject({ url: '/metrics' })).body
    expect(metrics).toMatch(/flowchat_webhooks_received_total 2/)
    expect(metrics).toMatch(/flowchat_webhooks_deduplicated_total 1/)
  })

  it('routes project events and thread-less events to operators only, and keeps unknown types', async () => {
    const storage = createMemoryStorage()
    const { post } = await setup(storage)
    const ops: { threadId: string | null; kind: string; type: string }[] = []
    storage.subscribe('operators', (e) => ops.push(e))
    await post(
      JSON.stringify({
        type: 'threads',
        payload: { threadId: 'tx', result: { threads: ['a'], page: 1, pages: 1 } },
      }),
    )
    await post(JSON.stringify({ type: 'something.new', payload: { threadId: 't9', x: 1 } }))
    await post(JSON.stringify({ type: 'something.else', payload: { x: 1 } }))
    expect(ops.map((e) => [e.threadId, e.kind, e.type])).toEqual([
      [null, 'threads', 'threads'],
      ['t9', 'unknown', 'something.new'],
      [null, 'unknown', 'something.else'],
    ])
    expect(await storage.lastId({ thread: 'tx' })).toBeUndefined()
    expect(await storage.lastId({ thread: 't9' })).toBeDefined()
  })

  it('rejects a wrong secret (404), invalid JSON (400), a non-event (400) and an oversized body (413)', async () => {
    const { post } = await setup()
    expect((await post(reply('t1'), 'wrong-secret')).statusCode).toBe(404)
    const bad = await post('{not json')
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/JSON/) })
    const noType = await post(JSON.stringify({ payload: {} }))
    expect(noType.statusCode).toBe(400)
    expect(noType.json().error.path).toBe('type')
    const big = await post(
      JSON.stringify({ type: 'message', payload: { threadId: 't', pad: 'x'.repeat(5000) } }),
    )
    expect(big.statusCode).toBe(413)
    expect(big.json().error.code).toBe('payload_too_large')
    const metrics = (await relay.app.inject({ url: '/metrics' })).body
    expect(metrics).toMatch(/flowchat_webhooks_rejected_total\{reason="secret"\} 1/)
  })

  // The body limit is met before the route reads the body (Fastify refuses it): those 413s went uncounted, so
  // `rejected_total{reason="too_large"}` stayed 0 while Flow.ai's large events bounced off --body-limit.
  it('counts a delivery over the body limit as too_large, whatever its framing; not one with a wrong secret', async () => {
    const { post, secrets } = await setup()
    const large = JSON.stringify({ type: 'message', payload: { threadId: 't', pad: 'x'.repeat(8000) } })
    expect((await post(large)).statusCode).toBe(413)
    const chunked = await relay.app.inject({
      method: 'POST',
      url: `/webhooks/${secrets.webhookSecret}`,
      payload: Readable.from([Buffer.from(large)]),
      headers: { 'content-type': 'application/json' },
    })
    expect(chunked.statusCode).toBe(413)
    expect((await post(large, 'wrong-secret-0123456789')).statusCode).toBe(413)
    const metrics = (await relay.app.inject({ url: '/metrics' })).body
    expect(metrics).toMatch(/flowchat_webhooks_rejected_total\{reason="too_large"\} 2\n/)
  })

  it('answers 503 with Retry-After when storage fails, and stores the retry once it works', async () => {
    const inner = createMemoryStorage()
    let failing = true
    const storage: EventStorage = {
      ...inner,
      append: (input) => (failing ? Promise.reject(new Error('disk on fire')) : inner.append(input)),
    }
    const { post } = await setup(storage)
    const failed = await post(reply('t1'))
    expect(failed.statusCode).toBe(503)
    expect(failed.headers['retry-after']).toBe('5')
    expect(failed.json().error.code).toBe('unavailable')
    expect(failed.body).not.toContain('disk on fire')
    failing = false
    const ok = await post(reply('t1'))
    expect(ok.json()).toEqual({ status: 'ok', duplicate: false })
  })

  it('logs a storage outage once, with the reason, across both HTTP paths, and its end', async () => {
    const inner = createMemoryStorage()
    let failing = true
    const storage: EventStorage = {
      ...inner,
      append: (input) => (failing ? Promise.reject(new Error('Command timed out')) : inner.append(input)),
    }
    const logs = captureLogs()
    const made = await createTestRelay({ storage, logger: logs.logger })
    relay = made.relay
    await relay.listen()
    // Through Fastify (inject), and through the fast path ahead of it (a real socket).
    const injected = (body: string) =>
      relay.app.inject({
        method: 'POST',
        url: `/webhooks/${made.secrets.webhookSecret}`,
        payload: body,
        headers: { 'content-type': 'application/json' },
      })
    const fast = (body: string) =>
      fetch(relay.webhookUrl!, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    const statuses = [
      (await injected(reply('t1'))).statusCode,
      (await fast(reply('t2'))).status,
      (await fast(reply('t3'))).status,
      (await injected(reply('t4'))).statusCode,
    ]
    expect(statuses).toEqual([503, 503, 503, 503])
    failing = false
    expect((await fast(reply('t5'))).status).toBe(200)
    expect((await injected(reply('t6'))).statusCode).toBe(200)
    failing = true
    expect((await fast(reply('t7'))).status).toBe(503)

    type Line = { level: number; msg: string; err?: { message: string }; refused?: number }
    const lines = logs.lines.map((line) => JSON.parse(line) as Line)
    const about = (level: number) => lines.filter((l) => l.level === level && /storage/i.test(l.msg))
    // An outage at 1,000 deliveries/s was 1,000 error lines with stacks a second: now one per outage, with the
    // storage's reason; the rest at debug; its end in one info line counting the refusals.
    expect(about(50).map((l) => l.err?.message)).toEqual([
      expect.stringContaining('Command timed out'),
      expect.stringContaining('Command timed out'),
    ])
    expect(about(20)).toHaveLength(3)
    expect(about(30).map((l) => [l.refused, l.msg])).toEqual([
      [4, expect.stringMatching(/^The storage takes webhooks again: 4 were answered 503 over [\d.]+ s/)],
    ])
  })
})
