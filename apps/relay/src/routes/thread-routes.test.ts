import { afterEach, describe, expect, it, vi } from 'vitest'
import { FLOW_INTERACTIVE_DEADLINE_MS, type Relay } from '../relay.js'
import { createMemoryStorage } from '../storage/memory-storage.js'
import type { EventEnvelope } from '../storage/types.js'
import { captureLogs, createTestRelay, type FlowResponder } from '../testing/fake-flow.js'
import { withoutSendMarks } from '../testing/storage-wrappers.js'

const T = 'A|o_1'
const url = `/v1/threads/${encodeURIComponent(T)}/messages`

describe('send proxy, history and business hours', () => {
  let relay: Relay
  afterEach(async () => relay?.close())

  async function setup(respond?: FlowResponder, extra = {}) {
    const storage = createMemoryStorage()
    const made = await createTestRelay({ storage, ...extra }, respond)
    relay = made.relay
    const visitor = await relay.issueToken({ threadId: T, name: 'Ann' })
    const operator = await relay.issueToken({ operator: 'Bea' })
    const sent: EventEnvelope[] = []
    storage.subscribe({ thread: T }, (e) => sent.push(e))
    return { ...made, visitor, operator, sent, storage }
  }
  const send = (token: string, payload: unknown) =>
    relay.app.inject({
      method: 'POST',
      url,
      payload: payload as object,
      headers: { authorization: `Bearer ${token}` },
    })

  it('sends as external with the visitor name, whatever the body claims, and publishes a sent event', async () => {
    const { visitor, flow, sent } = await setup()
    const r = await send(visitor, {
      type: 'text',
      text: 'Hello',
      traceId: 'tr-1',
      originator: { role: 'moderator' },
    })
    expect(r.statusCode).toBe(202)
    expect(r.json()).toEqual({ traceId: 'tr-1', eventId: expect.stringMatching(/^\d+-\d+$/) })
    const call = flow.calls.at(-1)!
    expect(call.method).toBe('POST')
    expect(call.path).toBe(`messages/${T}`)
    const wire = JSON.parse(call.body)
    expect(wire.payload).toMatchObject({
      type: 'text',
      speech: 'Hello',
      traceId: 'tr-1',
      originator: { name: 'Ann', role: 'external' },
    })
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({
      id: r.json().eventId,
      kind: 'sent',
      type: 'text',
      source: 'visitor',
      threadId: T,
      body: wire,
    })
  })

  it('sends as moderator with an operator token and generates a traceId', async () => {
    const { operator, flow, sent } = await setup()
    const r = await send(operator, { type: 'event', eventName: 'hello' })
    expect(r.statusCode).toBe(202)
    const { traceId } = r.json()
    expect(traceId).toEqual(expect.any(String))
    expect(JSON.parse(flow.calls.at(-1)!.body).payload).toMatchObject({
      type: 'event',
      eventName: 'hello',
      traceId,
      originator: { name: 'Bea', role: 'moderator' },
    })
    expect(sent[0]!.source).toBe('operator')
  })

  it('sends location and media by URL', async () => {
    const { visitor, flow } = await setup()
    expect(
      (await send(visitor, { type: 'location', lat: 52.1, long: '4.3', title: 'Here' })).statusCode,
    ).toBe(202)
    expect(JSON.parse(flow.calls.at(-1)!.body).payload).toMatchObject({
      lat: '52.1',
      long: '4.3',
      title: 'Here',
    })
    const media = { type: 'media', mediaType: 'image', url: 'https://x.test/a.png', mimeType: 'image/png' }
    expect((await send(visitor, media)).statusCode).toBe(202)
    expect(JSON.parse(flow.calls.at(-1)!.body).payload).toMatchObject(media)
  })

  it.each([
    [{ type: 'text', text: 'x'.repeat(256) }, 'text'],
    [{ type: 'text' }, 'text'],
    [{ type: 'teleport' }, 'type'],
    [{ type: 'media', mediaType: 'hologram', url: 'https://x' }, 'mediaType'],
    [{ type: 'location', lat: 1 }, 'long'],
  ])('answers 400 naming the field for %j', async (body, path) => {
    const { visitor, flow } = await setup()
    const r = await send(visitor, body)
    expect(r.statusCode).toBe(400)
    expect(r.json().error).toMatchObject({ code: 'invalid_input', path })
    expect(flow.calls).toHaveLength(0)
  })

  it('answers 400 for a body that is not JSON', async () => {
    const { visitor } = await setup()
    const r = await relay.app.inject({
      method: 'POST',
      url,
      payload: '{nope',
      headers: { authorization: `Bearer ${visitor}`, 'content-type': 'application/json' },
    })
    expect(r.statusCode).toBe(400)
    expect(r.json().error.message).toMatch(/JSON/)
  })

  it('maps a Flow.ai 401 to 502 that blames the relay key without showing it', async () => {
    const logs = captureLogs()
    const { visitor, secrets, sent } = await setup(
      (call) =>
        call.method === 'POST'
          ? new Response('{"status":"error","message":"bad key"}', { status: 401 })
          : undefined,
      { logger: logs.logger },
    )
    const r = await send(visitor, { type: 'text', text: 'hi' })
    expect(r.statusCode).toBe(502)
    expect(r.json().error.message).toMatch(/API key/)
    expect(r.body).not.toContain(secrets.apiKey)
    expect(sent).toHaveLength(0)
    expect(logs.lines.join('')).not.toContain(secrets.apiKey)
  })

  it('logs Flow.ai refusing the API key once at error, repeats at debug, and at error again after a send went through', async () => {
    const logs = captureLogs()
    let keyAccepted = false
    const { visitor, secrets } = await setup(
      (call) =>
        call.method === 'POST' && !keyAccepted
          ? new Response('{"status":"error","message":"bad key"}', { status: 401 })
          : undefined,
      { logger: logs.logger },
    )
    const hi = () => send(visitor, { type: 'text', text: 'hi' })
    for (let i = 0; i < 3; i++) expect((await hi()).statusCode).toBe(502)
    keyAccepted = true
    expect((await hi()).statusCode).toBe(202)
    keyAccepted = false
    expect((await hi()).statusCode).toBe(502)
    const lines = logs.lines.map((l) => JSON.parse(l) as { level: number; msg: string; flowStatus?: number })
    // pino: 50 error, 20 debug; never a warning per send.
    expect(lines.filter((l) => l.flowStatus === 401).map((l) => l.level)).toEqual([50, 20, 20, 50])
    expect(lines.find((l) => l.level === 50)?.msg).toMatch(
      /^Flow.ai refused the relay's API key \(HTTP 401\)/,
    )
    expect(lines.filter((l) => l.level === 40)).toEqual([])
    expect(logs.lines.join('')).not.toContain(secrets.apiKey)
  })

  it('maps Flow.ai rate limiting to 429 with Retry-After', async () => {
    const { visitor } = await setup(
      () => new Response('{}', { status: 429, headers: { 'retry-after': '120' } }),
    )
    const r = await send(visitor, { type: 'text', text: 'hi', traceId: 'x' })
    expect(r.statusCode).toBe(429)
    expect(r.headers['retry-after']).toBe('120')
  })

  it('answers a send, a history read and operator calls 503 once Flow.ai has been silent 15 s, all attempts included', async () => {
    // A Flow.ai that never answers, but lets go when the relay gives up (as a real fetch does).
    const attempts: string[] = []
    const silent: typeof fetch = (input, init) => {
      attempts.push(input instanceof Request ? input.url : input.toString())
      return new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal!.reason as Error), { once: true })
      })
    }
    const { visitor, operator } = await setup(undefined, { fetch: silent })
    const asOperator = (url: string) =>
      relay.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${operator}` } })
    // Only timers are faked: the deadline's timer is one; the per-attempt timeout (30 s) never fires here.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      for (const request of [
        () => send(visitor, { type: 'text', text: 'Hello' }),
        () => relay.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${visitor}` } }),
        () => asOperator('/v1/threads'),
        () => asOperator(`/v1/threads/${encodeURIComponent(T)}/status`),
      ]) {
        const before = attempts.length
        let answered: Awaited<ReturnType<typeof send>> | undefined
        void request().then((r) => (answered = r))
        // Not vi.waitFor: with fake timers it advances them while it polls.
        for (let i = 0; i < 10_000 && attempts.length === before; i++) {
          await new Promise((resolve) => setImmediate(resolve))
        }
        expect(attempts.length).toBe(before + 1)
        await vi.advanceTimersByTimeAsync(FLOW_INTERACTIVE_DEADLINE_MS - 1)
        expect(answered).toBeUndefined()
        await vi.advanceTimersByTimeAsync(1)
        for (let i = 0; i < 10_000 && answered === undefined; i++) {
          await new Promise((resolve) => setImmediate(resolve))
        }
        expect(answered?.statusCode).toBe(503)
        expect(answered?.json()).toMatchObject({ error: { code: 'unavailable' } })
        expect(attempts.length).toBe(before + 1)
      }
    } finally {
      vi.useRealTimers()
    }
  })

  it('rate-limits sends per token with Retry-After', async () => {
    const { visitor } = await setup(undefined, { rateLimit: { sendsPerToken: { burst: 2, perSecond: 0.5 } } })
    const codes = []
    for (let i = 0; i < 3; i++) codes.push((await send(visitor, { type: 'text', text: `m${i}` })).statusCode)
    expect(codes).toEqual([202, 202, 429])
  })

  it('serves history pages from Flow.ai sync mode, and names a bad page', async () => {
    const { visitor, flow } = await setup()
    const r = await relay.app.inject({
      url: `${url}?page=2`,
      headers: { authorization: `Bearer ${visitor}` },
    })
    expect(r.statusCode).toBe(200)
    expect(r.json()).toMatchObject({ history: [], threadId: T })
    expect(flow.calls.at(-1)!.path).toBe(`messages/${T}?sync=true&page=2`)
    const bad = await relay.app.inject({
      url: `${url}?page=zero`,
      headers: { authorization: `Bearer ${visitor}` },
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error.path).toBe('page')
    const twice = await relay.app.inject({
      url: `${url}?page=1&page=2`,
      headers: { authorization: `Bearer ${visitor}` },
    })
    expect(twice.statusCode).toBe(400)
    expect(twice.json().error).toMatchObject({ path: 'page', message: 'page: must be given once' })
  })

  it("keeps an event's label off Flow.ai, on the sent event and on the matching history message", async () => {
    const history: unknown[] = []
    const { visitor, flow, sent } = await setup((call) =>
      call.path.includes('sync=true')
        ? new Response(
            JSON.stringify({ status: 'ok', result: { history, threadId: T, page: 1, pages: 1 } }),
            {
              headers: { 'content-type': 'application/json' },
            },
          )
        : undefined,
    )
    const r = await send(visitor, { type: 'event', eventName: 'SHOW_MENU', label: 'Show me the menu' })
    expect(r.statusCode).toBe(202)
    const wire = JSON.parse(flow.calls.at(-1)!.body)
    expect(wire.payload).toMatchObject({ type: 'event', eventName: 'SHOW_MENU' })
    expect(wire.payload.label).toBeUndefined()
    expect(sent[0]!.body).toMatchObject({ payload: { eventName: 'SHOW_MENU', label: 'Show me the menu' } })

    const event = (eventName: string, createdAt: number) => ({
      originator: { name: 'Ann', role: 'user' },
      messages: [{ fallback: eventName, createdAt, responses: [{ type: 'event', payload: { eventName } }] }],
    })
    // Matched: same name, about now. Not matched: another name, or the same name an hour earlier.
    history.push(
      event('SHOW_MENU', Date.now()),
      event('OTHER', Date.now()),
      event('SHOW_MENU', Date.now() - 3.6e6),
    )
    const h = await relay.app.inject({ url, headers: { authorization: `Bearer ${visitor}` } })
    expect(h.statusCode).toBe(200)
    const { history: got } = h.json<{
      history: Array<{ messages: Array<{ responses: Array<{ payload: unknown }> }> }>
    }>()
    const payloads = got.map((e) => e.messages[0]!.responses[0]!.payload)
    expect(payloads).toEqual([
      { eventName: 'SHOW_MENU', label: 'Show me the menu' },
      { eventName: 'OTHER' },
      { eventName: 'SHOW_MENU' },
    ])
  })

  /** Waits (a bounded number of turns of the event loop, no timer) until `done`, else fails naming `what`. */
  async function until(done: () => boolean, what: string) {
    for (let turns = 0; !done(); turns++) {
      if (turns === 10_000) throw new Error(`gave up waiting for ${what}`)
      await new Promise(setImmediate)
    }
  }

  /** 19 bot messages 3 s apart, the newest a minute ago: a busy thread's page 1 covers less than the skew. */
  const botAnswers = (from: number) =>
    Array.from({ length: 19 }, (_, i) => ({
      originator: { name: 'Bot', role: 'bot' },
      messages: [
        { createdAt: from + i * 3000, responses: [{ type: 'text', payload: { text: `answer ${i}` } }] },
      ],
    }))

  it.each([
    { pages: 1, older: [] },
    { pages: 2, older: botAnswers(Date.now() - 60_000) },
  ])(
    "pairs a page read while a send is under way with that send's traceId, once stored (page 1 of $pages)",
    async ({ pages, older }) => {
      const history: unknown[] = [...older]
      let ack = () => {}
      const acked = new Promise<void>((resolve) => (ack = resolve))
      let historyAsked = () => {}
      const asked = new Promise<void>((resolve) => (historyAsked = resolve))
      const { visitor } = await setup(async (call) => {
        if (call.method === 'POST') {
          // Flow.ai has the message (its history shows it) before the relay has its answer.
          const { payload } = JSON.parse(call.body) as { payload: { speech: string } }
          history.push({
            originator: { name: 'Ann', role: 'user' },
            messages: [
              { createdAt: Date.now(), responses: [{ type: 'text', payload: { text: payload.speech } }] },
            ],
          })
          await acked
          return undefined
        }
        if (!call.path.includes('sync=true')) return undefined
        // The page is read while the send waits for Flow.ai's answer; the answer comes as the page is served.
        historyAsked()
        ack()
        return new Response(
          JSON.stringify({ status: 'ok', result: { history, threadId: T, page: 1, pages } }),
          {
            headers: { 'content-type': 'application/json' },
          },
        )
      })
      const sending = send(visitor, { type: 'text', text: 'hi' })
      await until(() => history.length > older.length, "Flow.ai's copy of the send")
      const page = relay.app.inject({ url, headers: { authorization: `Bearer ${visitor}` } })
      await asked
      const [r, h] = await Promise.all([sending, page])
      expect(r.statusCode).toBe(202)
      const { history: got } = h.json<{
        history: Array<{ messages: Array<{ meta?: { traceId?: string } }> }>
      }>()
      expect(got.map((e) => e.messages[0]!.meta?.traceId)).toEqual([
        ...older.map(() => undefined),
        r.json<{ traceId: string }>().traceId,
      ])
    },
  )

  it.each([
    { storage: 'memory storage', make: () => createMemoryStorage() },
    { storage: 'a storage without marks of sends', make: () => withoutSendMarks(createMemoryStorage()) },
  ])(
    'waits at most 2 s for a send that hangs before serving page 1, and not at all for an older page ($storage)',
    async ({ make }) => {
      const history = [
        {
          originator: { name: 'Ann', role: 'user' },
          messages: [{ createdAt: Date.now(), responses: [{ type: 'text', payload: { text: 'hi' } }] }],
        },
      ]
      let posted = false
      const { visitor } = await setup(
        async (call) => {
          if (call.method === 'POST') {
            posted = true
            // Flow.ai never answers (until the test ends).
            return new Promise<Response>(() => {})
          }
          if (!call.path.includes('sync=true')) return undefined
          return new Response(
            JSON.stringify({ status: 'ok', result: { history, threadId: T, page: 1, pages: 2 } }),
            {
              headers: { 'content-type': 'application/json' },
            },
          )
        },
        { storage: make() },
      )
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
      try {
        void send(visitor, { type: 'text', text: 'hi' })
        await until(() => posted, 'the send to reach Flow.ai')
        // No timer runs: an older page is served at once, with the copy (it cannot be one) unpaired.
        let older: { statusCode: number } | undefined
        void relay.app
          .inject({ url: `${url}?page=2`, headers: { authorization: `Bearer ${visitor}` } })
          .then((r) => (older = r))
        await until(() => older !== undefined, 'page 2, served without waiting for the send')
        expect(older!.statusCode).toBe(200)
        let served = false
        const newest = relay.app
          .inject({ url, headers: { authorization: `Bearer ${visitor}` } })
          .then((r) => ((served = true), r))
        await until(() => vi.getTimerCount() > 0, 'page 1 to wait for the send')
        await vi.advanceTimersByTimeAsync(1999)
        expect(served).toBe(false)
        await vi.advanceTimersByTimeAsync(1)
        const r = await newest
        expect(r.statusCode).toBe(200)
        expect(r.json().history[0].messages[0].meta?.traceId).toBeUndefined()
      } finally {
        vi.useRealTimers()
      }
    },
  )

  it('names an over-long or non-string label', async () => {
    const { visitor, flow } = await setup()
    const before = flow.calls.length
    for (const label of ['x'.repeat(256), 42]) {
      const r = await send(visitor, { type: 'event', eventName: 'E', label })
      expect(r.statusCode).toBe(400)
      expect(r.json().error.path).toBe('label')
    }
    expect(flow.calls.length).toBe(before)
  })

  it('caches business hours', async () => {
    const { visitor, flow } = await setup()
    for (let i = 0; i < 3; i++) {
      const r = await relay.app.inject({
        url: '/v1/business-hours',
        headers: { authorization: `Bearer ${visitor}` },
      })
      expect(r.json().businessHours[0].label).toBe('office')
    }
    expect(flow.calls.filter((c) => c.path.startsWith('businesshours'))).toHaveLength(1)
  })

  it('streams a multipart upload through to Flow.ai and enforces the limit', async () => {
    const { visitor, flow, sent } = await setup(undefined, { uploadLimitBytes: 2048 })
    const form = (size: number) => {
      const f = new FormData()
      f.append('query', JSON.stringify({ type: 'media', mediaType: 'file', traceId: 'up-1' }))
      f.append('file', new Blob([new Uint8Array(size).fill(65)], { type: 'text/plain' }), 'a.txt')
      return f
    }
    const post = async (body: FormData) => {
      const req = new Request('http://x', { method: 'POST', body })
      return relay.app.inject({
        method: 'POST',
        url,
        payload: Buffer.from(await req.arrayBuffer()),
        headers: { authorization: `Bearer ${visitor}`, 'content-type': req.headers.get('content-type')! },
      })
    }
    const ok = await post(form(1000))
    expect(ok.statusCode).toBe(202)
    expect(ok.json().traceId).toBe('up-1')
    const call = flow.calls.at(-1)!
    expect(call.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/)
    expect(call.body).toContain('A'.repeat(1000))
    expect(call.body).toContain('"role":"external"')
    expect(sent.at(-1)).toMatchObject({ kind: 'sent', type: 'media' })
    const big = await post(form(5000))
    expect(big.statusCode).toBe(413)
    expect(big.json().error.path).toBe('file')
    const noQuery = new FormData()
    noQuery.append('file', new Blob(['x']), 'a.txt')
    const missing = await post(noQuery)
    expect(missing.statusCode).toBe(400)
    expect(missing.json().error.path).toBe('query')
  })
})
