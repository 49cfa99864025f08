import { Subject, VirtualTimeScheduler, type Observable } from 'rxjs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createEventStream, type StreamSignal } from './event-stream.js'
import { createRelayHttp } from './relay-http.js'
import { FakeEventSource, advance, settle, stubSession } from './test-doubles.js'

const envelope = (id: string) => ({
  id,
  threadId: 't1',
  kind: 'reply',
  type: 'message',
  receivedAt: '2026-01-01T00:00:00.000Z',
  source: 'webhook',
  body: { type: 'message', payload: { messages: [] } },
})

function setup(
  overrides: { refresh?: () => Promise<boolean>; auth?: 'header' | 'query'; fetch?: typeof fetch } = {},
) {
  const scheduler = new VirtualTimeScheduler()
  const online$ = new Subject<boolean>()
  const session = stubSession('tok', overrides.refresh)
  let lastId: string | undefined
  const signals: StreamSignal[] = []
  const relay = createRelayHttp({
    relayUrl: 'http://relay',
    fetch: () => Promise.reject(new Error('unused')),
    token: () => undefined,
  })
  const stream$: Observable<StreamSignal> = createEventStream({
    url: (query) => relay.url('/v1/threads/t1/events', query),
    EventSource: FakeEventSource as never,
    auth: overrides.auth ?? 'query',
    fetch: overrides.fetch ?? (() => Promise.reject(new Error('unused'))),
    session,
    lastEventId: () => lastId,
    online: online$,
    scheduler,
    backoff: { baseMs: 100, maxMs: 1000, healthyMs: 5000, random: () => 1 },
  })
  const sub = stream$.subscribe((s) => {
    signals.push(s)
    if (s.type === 'envelope') lastId = s.envelope.id
  })
  const states = () => signals.flatMap((s) => (s.type === 'connection' ? [s.connection.state] : []))
  const connections = () => signals.flatMap((s) => (s.type === 'connection' ? [s.connection] : []))
  return { scheduler, online$, session, signals, sub, states, connections }
}

describe('createEventStream', () => {
  beforeEach(() => FakeEventSource.reset())
  afterEach(() => FakeEventSource.reset())

  it('says open only after the EventSource opened, then passes envelopes through', async () => {
    const t = setup()
    await settle()
    expect(t.states()).toEqual(['connecting'])
    FakeEventSource.last().open()
    expect(t.states()).toEqual(['connecting', 'open'])
    FakeEventSource.last().emit('reply', envelope('1-0'))
    FakeEventSource.last().emit('reply', { not: 'an envelope' })
    expect(t.signals.filter((s) => s.type === 'envelope')).toHaveLength(1)
    t.sub.unsubscribe()
    expect(FakeEventSource.last().closed).toBe(true)
  })

  it('backs off exponentially up to the cap, creating no EventSource before the wait is over', async () => {
    const t = setup()
    await settle()
    const waits: number[] = []
    for (let i = 0; i < 6; i++) {
      const before = FakeEventSource.instances.length
      FakeEventSource.last().fail()
      expect(FakeEventSource.instances.at(before - 1)?.closed).toBe(true)
      const c = t.connections().at(-1)
      if (c?.state !== 'reconnecting') throw new Error(`expected reconnecting, got ${c?.state}`)
      waits.push(c.retryInMs)
      await advance(t.scheduler, c.retryInMs - 1)
      expect(FakeEventSource.instances.length).toBe(before)
      await advance(t.scheduler, 1)
      expect(FakeEventSource.instances.length).toBe(before + 1)
    }
    expect(waits).toEqual([100, 200, 400, 800, 1000, 1000])
  })

  it('starts the back-off over after a healthy period, and resumes with lastEventId', async () => {
    const t = setup()
    await settle()
    FakeEventSource.last().fail()
    await advance(t.scheduler, 100)
    FakeEventSource.last().fail()
    await advance(t.scheduler, 200)
    FakeEventSource.last().open()
    FakeEventSource.last().emit('reply', envelope('7-3'))
    await advance(t.scheduler, 5000)
    FakeEventSource.last().fail()
    const c = t.connections().at(-1)
    expect(c).toMatchObject({ state: 'reconnecting', attempt: 1, retryInMs: 100 })
    await advance(t.scheduler, 100)
    expect(FakeEventSource.last().url).toBe(
      'http://relay/v1/threads/t1/events?lastEventId=7-3&access_token=tok',
    )
  })

  it('skips frames that are not JSON, and reports a reset with its reason or a default one', async () => {
    const t = setup()
    await settle()
    const es = FakeEventSource.last()
    es.open()
    const raw = (name: string, data: string) => es.dispatchEvent(new MessageEvent(name, { data }))
    raw('reply', '{not json')
    raw('hello', 'nope')
    es.emit('reply', envelope('7-1'))
    es.emit('reset', { reason: 'the stream was trimmed' })
    raw('reset', '{broken')
    es.emit('reset', null)
    expect(t.signals.filter((s) => s.type !== 'connection')).toEqual([
      { type: 'envelope', envelope: envelope('7-1') },
      { type: 'reset', reason: 'the stream was trimmed' },
      { type: 'reset', reason: 'the relay could not resume' },
      { type: 'reset', reason: 'the relay could not resume' },
    ])
  })

  it('retries a stream answer that may pass (5xx, a 200 that is no stream, none) and ends on any other', async () => {
    const t = setup()
    await settle()
    FakeEventSource.last().fail(503)
    expect(t.connections().at(-1)).toMatchObject({ state: 'reconnecting', reason: 'HTTP 503' })
    await advance(t.scheduler, 100)
    FakeEventSource.last().fail(200)
    expect(t.connections().at(-1)).toMatchObject({ state: 'reconnecting', reason: 'HTTP 200' })
    await advance(t.scheduler, 200)
    FakeEventSource.last().fail()
    expect(t.connections().at(-1)).toMatchObject({ state: 'reconnecting', reason: 'connection lost' })
    await advance(t.scheduler, 400)
    FakeEventSource.last().fail(404)
    expect(t.connections().at(-1)).toEqual({
      state: 'failed',
      reason: 'The relay answered HTTP 404 to the stream.',
    })
  })

  it('a short-lived connection does not reset the back-off', async () => {
    const t = setup()
    await settle()
    FakeEventSource.last().fail()
    await advance(t.scheduler, 100)
    FakeEventSource.last().open()
    await advance(t.scheduler, 10)
    FakeEventSource.last().fail()
    expect(t.connections().at(-1)).toMatchObject({ state: 'reconnecting', attempt: 2, retryInMs: 200 })
  })

  it('on 401 refreshes the token once and reconnects; a second refusal is final', async () => {
    const t = setup()
    await settle()
    FakeEventSource.last().fail(401)
    await settle()
    expect(t.session.refreshes).toBe(1)
    await advance(t.scheduler, 0)
    expect(FakeEventSource.instances).toHaveLength(2)
    FakeEventSource.last().fail(403)
    await settle()
    expect(t.connections().at(-1)).toMatchObject({ state: 'failed' })
    await advance(t.scheduler, 60_000)
    expect(FakeEventSource.instances).toHaveLength(2)
  })

  it('ends failed when the token cannot be refreshed', async () => {
    const t = setup({ refresh: () => Promise.resolve(false) })
    await settle()
    FakeEventSource.last().fail(401)
    await settle()
    expect(t.states().at(-1)).toBe('failed')
    await advance(t.scheduler, 60_000)
    expect(FakeEventSource.instances).toHaveLength(1)
  })

  it('goes offline (closing the stream) and reconnects at once when back online', async () => {
    const t = setup()
    await settle()
    FakeEventSource.last().open()
    t.online$.next(false)
    expect(FakeEventSource.last().closed).toBe(true)
    expect(t.states().at(-1)).toBe('offline')
    await advance(t.scheduler, 60_000)
    expect(FakeEventSource.instances).toHaveLength(1)
    t.online$.next(true)
    await settle()
    expect(FakeEventSource.instances).toHaveLength(2)
    expect(t.states().at(-1)).toBe('connecting')
  })

  it('sends the token in an Authorization header in header mode, never in the URL', async () => {
    const seen: Headers[] = []
    setup({
      auth: 'header',
      fetch: ((_url: string, init: RequestInit) => {
        seen.push(new Headers(init.headers))
        return Promise.resolve(new Response(''))
      }) as typeof fetch,
    })
    await settle()
    const es = FakeEventSource.last()
    expect(es.url).not.toContain('access_token')
    const esFetch = es.init?.fetch as (u: string, i: RequestInit) => Promise<Response>
    await esFetch('http://relay/x', { headers: { accept: 'text/event-stream' } })
    expect(seen[0]?.get('authorization')).toBe('Bearer tok')
    expect(seen[0]?.get('accept')).toBe('text/event-stream')
  })

  it('reconnects with the last event id after two missed heartbeats, and not while frames keep coming', async () => {
    const t = setup()
    await settle()
    const first = FakeEventSource.last()
    first.open()
    first.emit('hello', { heartbeatMs: 1000 })
    first.emit('reply', envelope('7-0'))
    // Heartbeats (and events) keep it alive however long it stays open.
    for (let i = 0; i < 10; i++) {
      await advance(t.scheduler, 1000)
      first.emit('heartbeat', {})
    }
    expect(FakeEventSource.instances).toHaveLength(1)
    // Then the relay's frames stop while the socket stays open: 2.5 intervals of silence is a stall.
    await advance(t.scheduler, 2499)
    expect(FakeEventSource.instances).toHaveLength(1)
    await advance(t.scheduler, 1)
    expect(first.closed).toBe(true)
    expect(FakeEventSource.instances).toHaveLength(2)
    expect(new URL(FakeEventSource.last().url).searchParams.get('lastEventId')).toBe('7-0')
    expect(t.connections().at(-1)).toMatchObject({
      state: 'reconnecting',
      reason: expect.stringMatching(/stalled/),
    })
    // The new connection is watched too, with the interval its own hello announces; it stalls before it stayed
    // up `healthyMs`, so it is replaced after a back-off (the second retry: up to 200 ms), not at once.
    FakeEventSource.last().open()
    FakeEventSource.last().emit('hello', { heartbeatMs: 400 })
    await advance(t.scheduler, 1000)
    expect(FakeEventSource.instances).toHaveLength(2)
    await advance(t.scheduler, 200)
    expect(FakeEventSource.instances).toHaveLength(3)
  })

  it('backs off when every connection stalls at once (a hello whose interval is never kept)', async () => {
    const t = setup()
    await settle()
    // A relay (or something in between) that announces 1 ms and never keeps it: every connection stalls at once. A
    // real timer given an interval over 2^31 - 1 ms (a hello of 1e300) fires at once too, the same storm.
    const start = t.scheduler.now()
    while (t.scheduler.now() - start < 3_000) {
      const es = FakeEventSource.last()
      es.open()
      es.emit('hello', { heartbeatMs: 1 })
      for (let waited = 0; FakeEventSource.last() === es && waited < 2_000; waited++) {
        await advance(t.scheduler, 1)
      }
    }
    const waits = t.connections().flatMap((c) => (c.state === 'reconnecting' ? [c.retryInMs] : []))
    // Only the first replacement is immediate; then the back-off grows (base 100 ms, max 1 s, random 1).
    expect(waits.slice(0, 6)).toEqual([0, 200, 400, 800, 1000, 1000])
    expect(FakeEventSource.instances.length).toBeLessThan(10)
  })

  it('detects no stall before a hello announced the interval (an older relay)', async () => {
    const t = setup()
    await settle()
    FakeEventSource.last().open()
    await advance(t.scheduler, 600_000)
    expect(FakeEventSource.instances).toHaveLength(1)
    expect(t.states().at(-1)).toBe('open')
  })
})
