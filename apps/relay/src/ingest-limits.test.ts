import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { RelayLimits } from '@flowchat/core/protocol'
import type { Relay, RelayOptions } from './relay.js'
import { createMemoryStorage } from './storage/memory-storage.js'
import { createRedisStorage } from './storage/redis-storage.js'
import { deleteKeys, randomPrefix, requireRedis, testRedisUrl } from './storage/redis-test-support.js'
import type { EventStorage } from './storage/types.js'
import { createTestRelay } from './testing/fake-flow.js'
import { openEventSource, rawStream, readUntil, until } from './testing/sse-helpers.js'
import { createRelay } from './relay.js'
import { testSecrets } from './testing/fake-flow.js'

const T = 'A|o_1'
const prefixes: string[] = []
const BODY_LIMIT = 1024 * 1024

/** `[[[…]]]` nested `depth` levels. */
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`

const storages: [string, () => EventStorage][] = [
  ['memory', () => createMemoryStorage()],
  [
    'redis',
    () => {
      const keyPrefix = randomPrefix('ingest-limits')
      prefixes.push(keyPrefix)
      return createRedisStorage({ url: testRedisUrl, keyPrefix, onError: () => undefined })
    },
  ],
]

beforeAll(() => requireRedis(testRedisUrl))
afterAll(() => deleteKeys(testRedisUrl, prefixes))

describe.each(storages)('every accepted event can be delivered (%s storage)', (_name, makeStorage) => {
  let relay: Relay
  let cleanup: (() => void)[] = []
  afterEach(async () => {
    for (const c of cleanup) c()
    cleanup = []
    await relay?.close()
  })

  async function setup(extra: Partial<RelayOptions> = {}) {
    const made = await createTestRelay({ storage: makeStorage(), ...extra })
    relay = made.relay
    const base = await relay.listen()
    const token = await relay.issueToken({ threadId: T })
    const operator = await relay.issueToken({ operator: 'ops' })
    const threadUrl = `${base}/v1/threads/${encodeURIComponent(T)}`
    const open = (url: string, t: string) => {
      const es = openEventSource(url, t)
      cleanup.push(() => es.source.close())
      return es
    }
    const postWebhook = (body: string) =>
      fetch(relay.webhookUrl!, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    const send = (body: string) =>
      fetch(`${threadUrl}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body,
      })
    return { ...made, base, token, operator, threadUrl, open, postWebhook, send }
  }

  const webhookBody = (text: string, extra = '') =>
    `{"type":"message","payload":{"threadId":"${T}","messages":[{"fallback":"${text}"}]${extra}}}`

  /** Readers of the thread and of `/v1/events`, open before anything is sent. */
  async function readers(s: Awaited<ReturnType<typeof setup>>) {
    const thread = s.open(`${s.threadUrl}/events`, s.token)
    const ops = s.open(`${s.base}/v1/events`, s.operator)
    await Promise.all([thread.opened, ops.opened])
    return { thread, ops }
  }

  it('delivers a send whose params fill the body limit to thread and operator readers, live and on resume', async () => {
    const s = await setup()
    const { thread, ops } = await readers(s)
    expect((await s.postWebhook(webhookBody('before'))).status).toBe(200)
    await until(() => thread.received.length === 1 && ops.received.length === 1, 'the first event')
    const before = { thread: thread.received[0]!.id, ops: ops.received[0]!.id }

    const head = '{"type":"text","text":"big","params":{"blob":"'
    const tail = '","end":"END-OF-BIG"}}'
    const body = head + 'x'.repeat(BODY_LIMIT - 64 - head.length - tail.length) + tail
    const r = await s.send(body)
    expect(r.status, await r.clone().text()).toBe(202)

    await until(() => thread.received.length === 2 && ops.received.length === 2, 'the big event', 15_000)
    for (const reader of [thread, ops]) {
      const big = reader.received[1]!
      expect(big.event).toBe('sent')
      expect(JSON.stringify(big.data)).toContain('END-OF-BIG')
    }
    expect(thread.errors).toEqual([])
    expect(ops.errors).toEqual([])

    // A reader resuming from before the event gets all of it, instead of being cut off on every reconnect.
    for (const [url, auth, after] of [
      [`${s.threadUrl}/events`, s.token, before.thread],
      [`${s.base}/v1/events`, s.operator, before.ops],
    ] as const) {
      const res = await rawStream(url, { authorization: `Bearer ${auth}`, 'last-event-id': after })
      cleanup.push(() => res.destroy())
      expect(res.statusCode).toBe(200)
      await readUntil(res, /END-OF-BIG/, 15_000)
    }
  })

  it('delivers a webhook just under the body limit to thread and operator readers, live and on resume', async () => {
    const s = await setup()
    const { thread, ops } = await readers(s)
    expect((await s.postWebhook(webhookBody('before'))).status).toBe(200)
    await until(() => thread.received.length === 1, 'the first event')
    const before = thread.received[0]!.id

    const shell = webhookBody('', ',"end":"END-OF-BIG"')
    const body = webhookBody('y'.repeat(BODY_LIMIT - 64 - shell.length), ',"end":"END-OF-BIG"')
    expect(Buffer.byteLength(body)).toBeLessThan(BODY_LIMIT)
    expect((await s.postWebhook(body)).status).toBe(200)

    await until(() => thread.received.length === 2 && ops.received.length === 2, 'the big event', 15_000)
    expect(JSON.stringify(thread.received[1]!.data)).toContain('END-OF-BIG')
    expect(JSON.stringify(ops.received[1]!.data)).toContain('END-OF-BIG')
    const res = await rawStream(`${s.threadUrl}/events`, {
      authorization: `Bearer ${s.token}`,
      'last-event-id': before,
    })
    cleanup.push(() => res.destroy())
    await readUntil(res, /END-OF-BIG/, 15_000)
  })

  it('answers a webhook nested 5,000 levels 400 naming the depth rule, and readers keep receiving', async () => {
    const s = await setup()
    const { thread } = await readers(s)
    const r = await s.postWebhook(webhookBody('deep', `,"deep":${nested(5000)}`))
    expect(r.status).toBe(400)
    const error = ((await r.json()) as { error: { code: string; message: string } }).error
    expect(error.code).toBe('invalid_input')
    expect(error.message).toContain(`nested more than ${String(RelayLimits.jsonDepth)} levels deep`)

    expect((await s.postWebhook(webhookBody('after'))).status).toBe(200)
    await until(() => thread.received.length === 1, 'the next event')
    expect(JSON.stringify(thread.received[0]!.data)).toContain('after')
  })

  it('answers a send nested ~4,390 levels 400 naming the depth rule, before Flow.ai and without internals', async () => {
    const s = await setup()
    for (const depth of [4386, 4390, 5000]) {
      const r = await s.send(`{"type":"text","text":"deep","params":{"deep":${nested(depth)}}}`)
      const text = await r.text()
      expect(r.status, text).toBe(400)
      expect(text).not.toMatch(/call stack|Flow\.ai failed/)
      const error = (JSON.parse(text) as { error: { code: string; message: string } }).error
      expect(error.code).toBe('invalid_input')
      expect(error.message).toContain(`nested more than ${String(RelayLimits.jsonDepth)} levels deep`)
    }
    expect(s.flow.calls).toEqual([])
  })
})

describe('ingest limits at the edges', () => {
  let relay: Relay | undefined
  afterEach(async () => relay?.close())

  it('accepts JSON nested exactly to the depth limit and refuses one level more', async () => {
    const made = await createTestRelay()
    relay = made.relay
    const token = await relay.issueToken({ threadId: T })
    const url = `/v1/threads/${encodeURIComponent(T)}/messages`
    // The body object and `params` are two levels: the rest is nesting inside `params`.
    const send = (depth: number) =>
      relay!.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        payload: `{"type":"text","text":"x","params":{"d":${nested(depth - 2)}}}`,
      })
    expect((await send(RelayLimits.jsonDepth)).statusCode).toBe(202)
    expect((await send(RelayLimits.jsonDepth + 1)).statusCode).toBe(400)
  })

  it('refuses a webhook that only grows past the limit once re-serialised (413)', async () => {
    const made = await createTestRelay({ bodyLimitBytes: 64 * 1024 })
    relay = made.relay
    // `1e20` is 4 bytes on the wire and 21 once serialised: the stored event would be ~5 times the request.
    const numbers = Array.from({ length: 12_000 }, () => '1e20').join(',')
    const r = await relay.app.inject({
      method: 'POST',
      url: `/webhooks/${made.secrets.webhookSecret}`,
      headers: { 'content-type': 'application/json' },
      payload: `{"type":"message","payload":{"threadId":"${T}","n":[${numbers}]}}`,
    })
    expect(r.statusCode).toBe(413)
    expect(r.json().error).toMatchObject({ code: 'payload_too_large' })
    expect(r.json().error.message).toMatch(/over the relay's event limit of \d+ bytes/)
  })

  it('refuses a send whose `sent` event would outgrow the limit (413), before Flow.ai gets it', async () => {
    const made = await createTestRelay({ bodyLimitBytes: 64 * 1024 })
    relay = made.relay
    const token = await relay.issueToken({ threadId: T })
    const numbers = Array.from({ length: 12_000 }, () => '1e20').join(',')
    const r = await relay.app.inject({
      method: 'POST',
      url: `/v1/threads/${encodeURIComponent(T)}/messages`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      payload: `{"type":"text","text":"x","params":{"n":[${numbers}]}}`,
    })
    expect(r.statusCode, r.body).toBe(413)
    expect(r.json().error).toMatchObject({ code: 'payload_too_large' })
    expect(made.flow.calls).toEqual([])
  })

  it('refuses an upload whose `query` field nests too deep (400 naming `query`), before Flow.ai', async () => {
    const made = await createTestRelay()
    relay = made.relay
    const token = await relay.issueToken({ threadId: T })
    const form = new FormData()
    form.append('query', `{"type":"media","mediaType":"file","params":{"d":${nested(5000)}}}`)
    form.append('file', new Blob([new Uint8Array(10).fill(65)], { type: 'text/plain' }), 'a.txt')
    const req = new Request('http://x', { method: 'POST', body: form })
    const r = await relay.app.inject({
      method: 'POST',
      url: `/v1/threads/${encodeURIComponent(T)}/messages`,
      payload: Buffer.from(await req.arrayBuffer()),
      headers: { authorization: `Bearer ${token}`, 'content-type': req.headers.get('content-type')! },
    })
    expect(r.statusCode, r.body).toBe(400)
    expect(r.json().error).toMatchObject({ code: 'invalid_input', path: 'query' })
    expect(r.json().error.message).toContain('levels deep')
    expect(made.flow.calls).toEqual([])
  })

  it('refuses at start-up a reader bound that the largest event could exceed, naming the option', async () => {
    await expect(
      createRelay({ ...testSecrets(), bodyLimitBytes: BODY_LIMIT, maxBufferedBytes: BODY_LIMIT }),
    ).rejects.toThrow(/maxBufferedBytes.*must be at least 2129920/)
  })
})
