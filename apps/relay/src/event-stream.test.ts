import { afterEach, describe, expect, it } from 'vitest'
import type { Relay } from './relay.js'
import { captureLogs, createTestRelay } from './testing/fake-flow.js'
import { countingStorage, openEventSource, rawStream, readUntil, until } from './testing/sse-helpers.js'
import type { EventStorage } from './storage/types.js'
import { createMemoryStorage } from './storage/memory-storage.js'
import { compareEventIds } from './storage/event-id.js'

const T = 'A|o_1'

describe('SSE streams over real sockets', () => {
  let relay: Relay
  let webhook: (text: string, thread?: string) => Promise<number>
  let cleanup: (() => void)[] = []
  afterEach(async () => {
    for (const c of cleanup) c()
    cleanup = []
    await relay?.close()
  })

  async function setup(extra: Parameters<typeof createTestRelay>[0] = {}) {
    const counting = countingStorage(extra.storage)
    const made = await createTestRelay({ ...extra, storage: counting.storage })
    relay = made.relay
    const base = await relay.listen()
    webhook = async (text, thread = T) => {
      const r = await fetch(relay.webhookUrl!, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message',
          payload: { threadId: thread, messages: [{ fallback: text }] },
        }),
      })
      return r.status
    }
    const token = await relay.issueToken({ threadId: T })
    const streamUrl = `${base}/v1/threads/${encodeURIComponent(T)}/events`
    const open = (url = streamUrl, t = token, kinds?: string[]) => {
      const es = openEventSource(url, t, kinds)
      cleanup.push(() => es.source.close())
      return es
    }
    return { ...made, base, token, streamUrl, open, active: counting.active }
  }
  const texts = (events: { data: Record<string, unknown> }[]) =>
    events.map(
      (e) => (e.data.body as { payload: { messages: { fallback: string }[] } }).payload.messages[0]!.fallback,
    )

  it('delivers each webhook event with id, kind and the envelope', async () => {
    const { open } = await setup()
    const es = open()
    await es.opened
    expect(await webhook('one')).toBe(200)
    await until(() => es.received.length === 1, 'the event')
    const [event] = es.received
    expect(event!.event).toBe('reply')
    expect(event!.data).toMatchObject({
      id: event!.id,
      threadId: T,
      kind: 'reply',
      type: 'message',
      source: 'webhook',
    })
    expect(event!.data.receivedAt).toEqual(expect.any(String))
  })

  it('resumes from lastEventId with exactly the missed events, in order, then live', async () => {
    const { open, streamUrl, active } = await setup()
    const first = open()
    await first.opened
    await webhook('1')
    await webhook('2')
    await until(() => first.received.length === 2, 'two events')
    const lastSeen = first.received[1]!.id
    first.source.close()
    await until(() => active() === 0, 'the first stream to unsubscribe')
    for (const t of ['3', '4', '5']) await webhook(t)
    const second = open(`${streamUrl}?lastEventId=${lastSeen}`)
    await until(() => second.received.length === 3, 'the missed events')
    await webhook('6')
    await until(() => second.received.length === 4, 'a live event')
    expect(texts(second.received)).toEqual(['3', '4', '5', '6'])
  })

  it('has no gap and no duplicate when events arrive while a resume replays', async () => {
    const { open, streamUrl } = await setup()
    const first = open()
    await first.opened
    await webhook('0')
    await until(() => first.received.length === 1, 'the first event')
    first.source.close()
    for (let i = 1; i <= 200; i++) await webhook(String(i))
    const second = open(`${streamUrl}?lastEventId=${first.received[0]!.id}`)
    const during = (async () => {
      for (let i = 201; i <= 300; i++) await webhook(String(i))
    })()
    await during
    await until(() => second.received.length >= 300, 'all events')
    expect(texts(second.received)).toEqual(Array.from({ length: 300 }, (_, i) => String(i + 1)))
  })

  it('replays a gap far larger than the slow-reader bound, paced by the reader, without cutting it off', async () => {
    const memory = createMemoryStorage({ maxEvents: 20_000, maxAgeMs: 3_600_000 })
    const { open, streamUrl } = await setup({
      storage: memory,
      maxBufferedBytes: 256 * 1024,
      bodyLimitBytes: 64 * 1024,
    })
    const filler = 'x'.repeat(400)
    const append = (i: number) =>
      memory.append({
        key: `gap-${i}`,
        envelope: {
          threadId: T,
          kind: 'reply',
          type: 'message',
          receivedAt: new Date().toISOString(),
          source: 'webhook',
          body: { type: 'message', payload: { threadId: T, messages: [{ fallback: `${i} ${filler}` }] } },
        },
      })
    const first = await append(0)
    // 3,000 events of about 700 bytes: some 2 MB, eight times the bound.
    for (let i = 1; i <= 3000; i++) await append(i)
    const es = open(`${streamUrl}?lastEventId=${first.threadEventId}`)
    await until(() => es.received.length >= 3000, 'the whole gap', 20_000)
    expect(texts(es.received).map((t) => Number(t.split(' ')[0]))).toEqual(
      Array.from({ length: 3000 }, (_, i) => i + 1),
    )
    expect(es.errors).toHaveLength(0)
  })

  it('a client parses replay, heartbeats and live frames, framed by the relay itself, and a graceful end', async () => {
    const { open, streamUrl, token } = await setup({ heartbeatMs: 20 })
    const first = open()
    await first.opened
    await webhook('0')
    await until(() => first.received.length === 1, 'the first event')
    first.source.close()
    for (let i = 1; i <= 40; i++) await webhook(String(i))
    // A second reader of the thread, live all along: the frames it shares with the resuming one are framed once.
    const live = open()
    await live.opened
    const resumed = open(`${streamUrl}?lastEventId=${first.received[0]!.id}`, undefined, [
      'reply',
      'heartbeat',
    ])
    // Live webhooks, concurrent (several reach a stream in one write) and spaced (heartbeats fall between them).
    for (let round = 0; round < 4; round++) {
      await Promise.all(Array.from({ length: 10 }, (_, i) => webhook(String(41 + round * 10 + i))))
      const beats = resumed.received.filter((e) => e.event === 'heartbeat').length
      await until(() => resumed.received.filter((e) => e.event === 'heartbeat').length > beats, 'a heartbeat')
    }
    const replies = () => resumed.received.filter((e) => e.event === 'reply')
    await until(() => replies().length === 80 && live.received.length === 40, 'every event')
    const numbers = texts(replies()).map(Number)
    expect(numbers.slice(0, 40)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1))
    expect(numbers.slice(40).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 41))
    const ids = replies().map((e) => e.id)
    expect([...ids].sort(compareEventIds)).toEqual(ids)
    expect(live.received.map((e) => e.id)).toEqual(ids.slice(40))
    expect([...resumed.errors, ...live.errors]).toHaveLength(0)
    // A graceful end (shutdown) still ends the chunked body properly: the client sees the retry hint and the end.
    const raw = await rawStream(streamUrl, { authorization: `Bearer ${token}` })
    await readUntil(raw, /event: hello\n/)
    await webhook('after')
    await readUntil(raw, /"fallback":"after"/)
    const ended = new Promise<void>((resolve) => raw.on('end', resolve))
    let tail = ''
    raw.on('data', (chunk: Buffer) => (tail += chunk.toString('utf8')))
    await relay.close()
    await ended
    expect(tail).toMatch(/retry: \d+\n\n$/)
  })

  it('gives two readers of a thread the same bytes, in order, when events arrive together', async () => {
    const { streamUrl, token } = await setup()
    const readers = await Promise.all(
      [0, 1].map(() => rawStream(streamUrl, { authorization: `Bearer ${token}` })),
    )
    await Promise.all(readers.map((res) => readUntil(res, /retry: 3000\n\n/)))
    const texts = Promise.all(
      readers.map((res) => readUntil(res, /(?:id: [^\n]*\nevent: [^\n]*\ndata: [^\n]*\n\n){20}/)),
    )
    // Concurrent posts: several events reach each stream within one event-loop turn and share a write.
    await Promise.all(Array.from({ length: 20 }, (_, i) => webhook(`e${i}`)))
    const [a, b] = await texts
    for (const res of readers) res.destroy()
    expect(a).toBe(b)
    const ids = [...a!.matchAll(/^id: (\S+)$/gm)].map((m) => m[1]!)
    expect(ids).toHaveLength(20)
    expect([...ids].sort(compareEventIds)).toEqual(ids)
    expect(new Set([...a!.matchAll(/"fallback":"(e\d+)"/g)].map((m) => m[1])).size).toBe(20)
  })

  it('sends reset for an id not in the log, then continues live', async () => {
    const { open, streamUrl } = await setup()
    const es = open(`${streamUrl}?lastEventId=1-0`)
    await until(() => es.received.length === 1, 'reset')
    expect(es.received[0]!.event).toBe('reset')
    expect(es.received[0]!.data.reason).toEqual(expect.any(String))
    await webhook('live')
    await until(() => es.received.length === 2, 'the live event')
    expect(es.received[1]!.event).toBe('reply')
  })

  it('sends one reset and then only what follows it when the storage resets a stream during its resume', async () => {
    const memory = createMemoryStorage()
    let resetStream: ((reason: string) => void) | undefined
    let reading = false
    let releaseRead: () => void = () => undefined
    const readGate = new Promise<void>((resolve) => (releaseRead = resolve))
    const storage: EventStorage = {
      ...memory,
      subscribe: (stream, listener, onReset) => {
        resetStream = onReset
        return memory.subscribe(stream, listener)
      },
      read: async (...args) => {
        reading = true
        await readGate
        return memory.read(...args)
      },
    }
    const { open, streamUrl } = await setup({ storage })
    await webhook('seen')
    const seen = await memory.lastId({ thread: T })
    await webhook('old log')
    const es = open(`${streamUrl}?lastEventId=${seen}`)
    await until(() => reading, 'the replay to read the log')
    // Redis restarted empty while the replay read: what the replay or a held live event would send is from before.
    resetStream!('event gone')
    await webhook('new log')
    releaseRead()
    await until(() => es.received.length === 2, 'the reset and the event after it')
    expect(es.received.map((e) => (e.event === 'reset' ? 'reset' : e.data.id))).toEqual([
      'reset',
      expect.any(String),
    ])
    expect(texts(es.received.slice(1))).toEqual(['new log'])
    await webhook('live')
    await until(() => es.received.length === 3, 'the live event')
    expect(texts(es.received.slice(1))).toEqual(['new log', 'live'])
  })

  it('starts with a retry hint, sends heartbeats, honours Last-Event-ID and rejects a malformed one', async () => {
    const { streamUrl, token } = await setup({ heartbeatMs: 50 })
    const res = await rawStream(streamUrl, { authorization: `Bearer ${token}` })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/)
    const text = await readUntil(res, /event: heartbeat\ndata: \{\}\n\n/)
    expect(text.startsWith('retry: 3000\n\nevent: hello\ndata: {"heartbeatMs":50}\n\n')).toBe(true)
    res.destroy()
    const bad = await rawStream(streamUrl, { authorization: `Bearer ${token}`, 'last-event-id': 'yesterday' })
    expect(bad.statusCode).toBe(400)
    bad.resume()
  })

  it('sends heartbeats to every open stream from one shared timer, also after another stream closed', async () => {
    const { streamUrl, token, active } = await setup({ heartbeatMs: 50 })
    const auth = { authorization: `Bearer ${token}` }
    const [a, b, c] = await Promise.all([0, 1, 2].map(() => rawStream(streamUrl, auth)))
    await Promise.all(
      [a, b, c].map((res) => readUntil(res!, /retry: 3000\n\nevent: hello\n.*\n\nevent: heartbeat\n/)),
    )
    a!.destroy()
    await until(() => active() === 2, 'the first stream to close')
    await Promise.all([b, c].map((res) => readUntil(res!, /(event: heartbeat\ndata: \{\}\n\n){2}/)))
    b!.destroy()
    c!.destroy()
  })

  it('caps streams per token with 429, and frees the slot when one closes', async () => {
    const { streamUrl, token, active } = await setup({ maxStreamsPerToken: 2 })
    const a = await rawStream(streamUrl, { authorization: `Bearer ${token}` })
    const b = await rawStream(streamUrl, { authorization: `Bearer ${token}` })
    const c = await rawStream(streamUrl, { authorization: `Bearer ${token}` })
    expect([a.statusCode, b.statusCode, c.statusCode]).toEqual([200, 200, 429])
    expect(c.headers['retry-after']).toBeDefined()
    c.resume()
    a.destroy()
    await until(() => active() === 1, 'one stream to close')
    const d = await rawStream(streamUrl, { authorization: `Bearer ${token}` })
    expect(d.statusCode).toBe(200)
    b.destroy()
    d.destroy()
    await until(() => active() === 0, 'every subscription to go')
  })

  it('caps operator streams per sign-in: operators without a name do not share one cap', async () => {
    const { base, secrets } = await setup({ maxStreamsPerToken: 1 })
    const signIn = async () => {
      const res = await fetch(`${base}/v1/operator/sessions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secrets.operatorPassword}`, 'content-type': 'application/json' },
        body: '{}',
      })
      expect(res.status).toBe(201)
      return ((await res.json()) as { token: string }).token
    }
    const [ann, bo] = [await signIn(), await signIn()]
    const open = (token: string) => rawStream(`${base}/v1/events`, { authorization: `Bearer ${token}` })
    const a = await open(ann)
    const b = await open(bo)
    const again = await open(ann)
    expect([a.statusCode, b.statusCode, again.statusCode]).toEqual([200, 200, 429])
    again.resume()
    a.destroy()
    b.destroy()
  })

  it('gives the slot back when a stream cannot start (its subscription throws)', async () => {
    const inner = createMemoryStorage()
    let failNext = true
    const storage: EventStorage = {
      ...inner,
      subscribe(stream, listener) {
        if (failNext) {
          failNext = false
          throw new Error('subscribe failed')
        }
        return inner.subscribe(stream, listener)
      },
    }
    const { streamUrl, token } = await setup({ maxStreamsPerToken: 1, storage })
    // The failed stream is cut off (its headers may have gone out); with its slot leaked, the cap of 1 would
    // answer the next one 429. The relay gives the slot back before it cuts the connection.
    await rawStream(streamUrl, { authorization: `Bearer ${token}` }).then(
      (res) => res.destroy(),
      () => undefined,
    )
    const next = await rawStream(streamUrl, { authorization: `Bearer ${token}` })
    expect(next.statusCode).toBe(200)
    next.destroy()
  })

  it('caps streams per IP', async () => {
    const { base, relay: r } = await setup({ maxStreamsPerIp: 1 })
    const t1 = await r.issueToken({ threadId: 'x' })
    const t2 = await r.issueToken({ threadId: 'y' })
    const a = await rawStream(`${base}/v1/threads/x/events`, { authorization: `Bearer ${t1}` })
    const b = await rawStream(`${base}/v1/threads/y/events`, { authorization: `Bearer ${t2}` })
    expect([a.statusCode, b.statusCode]).toEqual([200, 429])
    a.destroy()
    b.resume()
  })

  it('disconnects a reader that does not keep up, and lets go of its subscription', async () => {
    const { streamUrl, token, active } = await setup({
      maxBufferedBytes: 256 * 1024,
      bodyLimitBytes: 64 * 1024,
    })
    const res = await rawStream(streamUrl, { authorization: `Bearer ${token}` })
    res.pause() // never reads: the socket buffers fill, then Node's
    let closed = false
    res.on('close', () => (closed = true))
    const big = 'x'.repeat(60_000)
    for (let i = 0; i < 400 && active() > 0; i++) expect(await webhook(`${i}${big}`)).toBe(200)
    await until(() => active() === 0, 'the slow reader to be dropped')
    const metrics = await (await fetch(`${relay.url}/metrics`)).text()
    expect(metrics).toMatch(/flowchat_open_streams 0/)
    res.resume()
    await until(() => closed, 'the client to see the close')
  })

  it('operators get every thread and project events on /v1/events; threads never see others', async () => {
    const { base, open, relay: r } = await setup()
    const op = await r.issueToken({ operator: 'ops' })
    const ops = open(`${base}/v1/events`, op)
    const mine = open()
    await Promise.all([ops.opened, mine.opened])
    await webhook('for A')
    await webhook('for B', 'B|o_1')
    await until(() => ops.received.length === 2, 'operator events')
    expect(ops.received.map((e) => e.data.threadId)).toEqual([T, 'B|o_1'])
    expect(texts(mine.received)).toEqual(['for A'])
  })

  it('closes streams with a retry hint on shutdown, finishing an in-flight webhook', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    let appending = false
    const inner = countingStorage()
    const slow: EventStorage = {
      ...inner.storage,
      append: async (input) => {
        appending = true
        await gate
        return inner.storage.append(input)
      },
    }
    const { streamUrl, token } = await setup({ storage: slow })
    const res = await rawStream(streamUrl, { authorization: `Bearer ${token}` })
    await readUntil(res, /retry: 3000\n\n/)
    const inFlight = webhook('late')
    await until(() => appending, 'the webhook reaching the storage')
    const tail = readUntil(res, /retry: \d+\n\n$/)
    const closing = relay.close()
    await tail
    release()
    expect(await inFlight).toBe(200)
    await closing
  })

  it('never logs the API key, the webhook secret, a token or a query string', async () => {
    const logs = captureLogs()
    const { streamUrl, token, secrets } = await setup({ logger: logs.logger })
    const res = await rawStream(`${streamUrl}?access_token=${token}`)
    expect(res.statusCode).toBe(200)
    res.destroy()
    await webhook('x')
    await fetch(`${relay.url}/webhooks/wrong?access_token=${token}`, { method: 'POST', body: '{}' })
    await fetch(`${relay.url}/nowhere?access_token=${token}`)
    const all = logs.lines.join('')
    expect(all.length).toBeGreaterThan(0)
    for (const secret of [secrets.apiKey, secrets.webhookSecret, secrets.tokenSecret, token]) {
      expect(all).not.toContain(secret)
    }
    expect(all).toContain('/webhooks/[redacted]')
  })
})
