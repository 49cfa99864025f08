import { firstValueFrom, Subject, VirtualTimeScheduler } from 'rxjs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createFlowChat } from './flow-chat.js'
import { createMemoryStorage } from './memory-storage.js'
import { FakeEventSource, advance, fakeJwt, settle } from './test-doubles.js'
import type { ChatMessage, FlowChat, KeyValueStorage, SendInput } from './types.js'

const BASE = 1_732_170_000_000

/** A relay stand-in: records every request, answers what the test sets. */
function fakeRelay() {
  const calls: { method: string; path: string; auth: string | null; body: unknown }[] = []
  const relay = {
    calls,
    issued: 0,
    sendAnswer: (): Response | Error => json(202, { traceId: 'x', eventId: '1-0' }),
    refreshAnswer: (): Response | undefined => undefined,
    history: [] as unknown[],
    hours: { businessHours: [], open: true } as unknown,
    posts: () => calls.filter((c) => c.method === 'POST' && c.path.endsWith('/messages')),
    fetch: (async (input: string, init: RequestInit = {}): Promise<Response> => {
      await Promise.resolve() // answer asynchronously, like the network
      const url = new URL(input)
      const headers = new Headers(init.headers)
      const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined
      const method = init.method ?? 'GET'
      calls.push({ method, path: url.pathname, auth: headers.get('authorization'), body })
      if (url.pathname === '/v1/sessions') {
        const refused: Response | undefined = relay.refreshAnswer()
        if (refused && headers.get('authorization')) return refused
        relay.issued++
        const iat = relay.issued === 1 ? 0 : 800 * (relay.issued - 1)
        return json(201, {
          threadId: 't1',
          token: fakeJwt({ iat, exp: iat + 1000, scope: 'thread', sub: 't1' }),
          expiresAt: 'x',
        })
      }
      if (url.pathname === '/v1/business-hours') return json(200, relay.hours)
      if (method === 'GET' && url.pathname.endsWith('/messages')) {
        return json(200, { threadId: 't1', page: 1, pages: 1, history: relay.history })
      }
      if (method === 'POST' && url.pathname.endsWith('/messages')) {
        const answer: Response | Error = relay.sendAnswer()
        if (answer instanceof Error) throw answer
        return answer
      }
      return json(404, { error: { code: 'not_found', message: 'no route' } })
    }) as typeof fetch,
  }
  return relay
}
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

function client(
  relay: ReturnType<typeof fakeRelay>,
  storage: KeyValueStorage,
  online$ = new Subject<boolean>(),
) {
  const scheduler = new VirtualTimeScheduler()
  const chat = createFlowChat({
    relayUrl: 'http://relay.test',
    fetch: relay.fetch,
    EventSource: FakeEventSource as never,
    storage,
    scheduler,
    online$,
    backoff: { baseMs: 100, maxMs: 1000, random: () => 1 },
  })
  return { chat, scheduler, online$ }
}

const last = <T>(values: T[]) => values.at(-1) as T
const textOf = (m: ChatMessage) => (m.templates[0]?.type === 'text' ? m.templates[0].payload.text : '?')
let chats: FlowChat[] = []

describe('createFlowChat', () => {
  beforeEach(() => FakeEventSource.reset())
  afterEach(() => {
    for (const c of chats) c.close()
    chats = []
  })

  it('creates an anonymous session once and a reload continues the same thread', async () => {
    const relay = fakeRelay()
    const storage = createMemoryStorage()
    const a = client(relay, storage)
    chats.push(a.chat)
    expect(await a.chat.session()).toEqual({ threadId: 't1' })
    const b = client(relay, storage)
    chats.push(b.chat)
    expect(await b.chat.session()).toEqual({ threadId: 't1' })
    expect(relay.calls.filter((c) => c.path === '/v1/sessions')).toHaveLength(1)
  })

  it("gives an older relay's business hours, whose answer has no `open` (unknown)", async () => {
    const relay = fakeRelay()
    const { chat } = client(relay, createMemoryStorage())
    chats.push(chat)
    const hours = [{ weekdays: [], holidays: [], timezone: '(UTC+00:00) UTC' }]
    relay.hours = { businessHours: hours, open: false, nextChangeInMs: 5 }
    expect(await chat.opening()).toEqual({ businessHours: hours, open: false, nextChangeInMs: 5 })
    // A relay from before the hours were read on the relay answers them alone.
    relay.hours = { businessHours: hours }
    expect(await chat.businessHours()).toEqual(hours)
    expect(await chat.opening()).toEqual({ businessHours: hours })
    relay.hours = { businessHours: hours, open: 'yes' }
    await expect(chat.businessHours()).rejects.toMatchObject({ code: 'invalid_response' })
  })

  it('calls the relay without a double slash when its URL ends in slashes', async () => {
    const relay = fakeRelay()
    const chat = createFlowChat({
      relayUrl: 'http://relay.test//',
      fetch: (input, init) => {
        expect(input as string).toMatch(/^http:\/\/relay\.test\/v1\//)
        return relay.fetch(input, init)
      },
      EventSource: FakeEventSource as never,
      storage: createMemoryStorage(),
    })
    chats.push(chat)
    expect(await chat.session()).toEqual({ threadId: 't1' })
    expect(relay.calls.map((c) => c.path)).toEqual(['/v1/sessions'])
  })

  it('refreshes the token at 80% of its life, and ends failed when the relay refuses a refresh', async () => {
    const relay = fakeRelay()
    const { chat, scheduler } = client(relay, createMemoryStorage())
    chats.push(chat)
    await chat.session()
    const sessions = () => relay.calls.filter((c) => c.path === '/v1/sessions')
    await advance(scheduler, 799_999)
    expect(sessions()).toHaveLength(1)
    await advance(scheduler, 1)
    expect(sessions()).toHaveLength(2)
    expect(sessions()[1]?.auth).toMatch(/^Bearer /)
    // The new token (iat 800 s, exp 1800 s) is refreshed at 1600 s.
    relay.refreshAnswer = () =>
      json(401, { error: { code: 'unauthorized', message: 'refresh grace passed' } })
    const states: string[] = []
    chat
      .thread('t1')
      .connection$.subscribe((c) => states.push(c.state === 'failed' ? `failed: ${c.reason}` : c.state))
    await advance(scheduler, 800_000)
    expect(sessions()).toHaveLength(3)
    expect(last(states)).toMatch(/^failed: The session can no longer be refreshed \(refresh grace passed\)/)
    await advance(scheduler, 3_600_000)
    expect(sessions()).toHaveLength(3)
  })

  it("fails later calls with the session's own reason once a refresh was refused, sending none without a token", async () => {
    const relay = fakeRelay()
    const { chat } = client(relay, createMemoryStorage())
    chats.push(chat)
    await chat.session()
    relay.refreshAnswer = () =>
      json(401, { error: { code: 'unauthorized', message: 'refresh grace passed' } })
    const thread = chat.thread('t1')
    const states: string[] = []
    thread.connection$.subscribe((c) => states.push(c.state))
    await settle()
    // The relay refuses the stream's token, and then its refresh: the session is over.
    FakeEventSource.last().fail(401)
    await settle()
    expect(last(states)).toBe('failed')
    const reason = 'The session can no longer be refreshed (refresh grace passed). Start a new session.'
    relay.calls.length = 0
    const sendStates: string[] = []
    thread.send({ type: 'text', text: 'after' }).subscribe((s) => sendStates.push(s))
    await settle()
    expect(sendStates.at(-1)).toBe('failed')
    const sent = (await firstValueFrom(thread.messages$)).find((m) => m.own)
    expect(sent?.error).toBe(`unauthorized: ${reason}`)
    await expect(chat.opening()).rejects.toMatchObject({ code: 'unauthorized', message: reason })
    await expect(thread.loadOlder()).rejects.toMatchObject({ code: 'unauthorized', message: reason })
    // Nothing went out without a token, to come back as the relay's 'A token is required'.
    expect(relay.calls.filter((c) => c.auth === null)).toEqual([])
  })

  it('opens the stream with the first subscriber and closes it after the last', async () => {
    const relay = fakeRelay()
    const { chat } = client(relay, createMemoryStorage())
    chats.push(chat)
    const thread = chat.thread('t1')
    const a = thread.messages$.subscribe()
    const states: string[] = []
    const b = thread.connection$.subscribe((c) => states.push(c.state))
    await settle()
    expect(FakeEventSource.instances).toHaveLength(1)
    FakeEventSource.last().open()
    a.unsubscribe()
    expect(FakeEventSource.last().closed).toBe(false)
    b.unsubscribe()
    expect(FakeEventSource.last().closed).toBe(true)
    expect(states).toEqual(['connecting', 'open'])
  })

  it('keeps a send made offline in the outbox and sends it exactly once when back online', async () => {
    const relay = fakeRelay()
    const storage = createMemoryStorage()
    const { chat, online$ } = client(relay, storage)
    chats.push(chat)
    online$.next(false)
    const thread = chat.thread('t1')
    const states: string[] = []
    thread.send({ type: 'text', text: 'hello' }).subscribe((s) => states.push(s))
    const queued: number[] = []
    thread.queued$.subscribe((n) => queued.push(n))
    await settle()
    expect(relay.posts()).toHaveLength(0)
    expect(storage.getItem('flowchat:outbox:t1')).toContain('hello')
    online$.next(true)
    await settle()
    expect(relay.posts()).toHaveLength(1)
    expect(relay.posts()[0]?.body).toMatchObject({ type: 'text', text: 'hello' })
    expect(storage.getItem('flowchat:outbox:t1')).toBeNull()
    expect(states).toEqual(['pending', 'sent'])
    expect(last(queued)).toBe(0)
    online$.next(false)
    online$.next(true)
    await settle()
    expect(relay.posts()).toHaveLength(1)
  })

  it('reset() forgets the stored session and the outbox, so a new client starts a new thread and sends nothing left over', async () => {
    const relay = fakeRelay()
    const storage = createMemoryStorage()
    const first = client(relay, storage)
    chats.push(first.chat)
    await first.chat.session()
    expect(storage.getItem('flowchat:session:http://relay.test')).toContain('t1')
    first.online$.next(false)
    first.chat.thread('t1').send({ type: 'text', text: 'private' }).subscribe()
    await settle()
    expect(storage.getItem('flowchat:outbox:t1')).toContain('private')
    first.chat.reset()
    expect(storage.getItem('flowchat:session:http://relay.test')).toBeNull()
    expect(storage.getItem('flowchat:outbox:t1')).toBeNull()
    first.chat.reset() // twice is harmless

    const second = client(relay, storage)
    chats.push(second.chat)
    await second.chat.session()
    expect(relay.issued).toBe(2)
    expect(relay.calls.filter((c) => c.path === '/v1/sessions').at(-1)?.auth).toBeNull()
    second.chat.thread('t1')
    await settle()
    expect(relay.posts()).toHaveLength(0)
  })

  it('queues an upload made offline like a text send, delivers it as multipart when back online, then lets the file go', async () => {
    const relay = fakeRelay()
    const contentTypes: (string | null)[] = []
    const inner = relay.fetch
    relay.fetch = ((input: string, init: RequestInit = {}) => {
      if (init.method === 'POST' && input.endsWith('/messages'))
        contentTypes.push(new Headers(init.headers).get('content-type'))
      return inner(input, init)
    }) as typeof fetch
    const { chat, online$ } = client(relay, createMemoryStorage())
    chats.push(chat)
    online$.next(false)
    const thread = chat.thread('t1') as ReturnType<FlowChat['thread']> & { queue: { held: number } }
    const states: string[] = []
    thread
      .send({ type: 'upload', file: new Blob(['%PDF-1.7 tiny']), filename: 'a.pdf' })
      .subscribe((s) => states.push(s))
    await settle()
    expect(states).toEqual(['pending'])
    expect(relay.posts()).toHaveLength(0)
    expect(thread.queue.held).toBe(1)
    online$.next(true)
    await settle()
    expect(relay.posts()).toHaveLength(1)
    expect(contentTypes[0]).toMatch(/^multipart\/form-data; boundary=/)
    expect(states).toEqual(['pending', 'sent'])
    expect(thread.queue.held).toBe(0)
  })

  it('retries a send that failed on the network or a 5xx with the same traceId, and fails for good on a 4xx', async () => {
    const relay = fakeRelay()
    const { chat, scheduler } = client(relay, createMemoryStorage())
    chats.push(chat)
    const thread = chat.thread('t1')
    const answers: (Response | Error)[] = [
      new TypeError('fetch failed'),
      json(503, { error: { code: 'unavailable', message: 'Flow.ai is down' } }),
      json(202, { traceId: 'x' }),
    ]
    relay.sendAnswer = () => answers.shift() ?? json(500, {})
    const states: string[] = []
    thread.send({ type: 'text', text: 'again' }).subscribe((s) => states.push(s))
    await settle()
    await advance(scheduler, 1000)
    await advance(scheduler, 1000)
    const traceIds = relay.posts().map((p) => (p.body as { traceId: string }).traceId)
    expect(traceIds).toHaveLength(3)
    expect(new Set(traceIds).size).toBe(1)
    expect(states).toEqual(['pending', 'sent'])

    relay.sendAnswer = () =>
      json(400, { error: { code: 'invalid_input', message: 'text: too long', path: 'text' } })
    let final: ChatMessage | undefined
    thread.messages$.subscribe((ms) => (final = ms.at(-1)))
    const failed: string[] = []
    thread.send({ type: 'text', text: 'bad' }).subscribe((s) => failed.push(s))
    await advance(scheduler, 5000)
    expect(failed).toEqual(['pending', 'failed'])
    expect(final).toMatchObject({ state: 'failed', error: 'invalid_input: text: too long' })
    expect(relay.posts()).toHaveLength(4)
  })

  it.each([
    [{ type: 'text', text: 'x'.repeat(256) }, /text: must be at most 255 characters/],
    [{ type: 'text', text: '' }, /text: must not be empty/],
    [{ type: 'event', eventName: '' }, /eventName: must not be empty/],
    // String() would have posted these as "NaN", "undefined" and "Infinity" (the REST client refuses them too).
    [{ type: 'location', lat: Number.NaN, long: 4.89 }, /^invalid_input: lat: must be a finite number/],
    [
      { type: 'location', long: 4.89 } as unknown as SendInput,
      /^invalid_input: lat: must be a finite number/,
    ],
    [{ type: 'location', lat: 52.37, long: -Infinity }, /^invalid_input: long: must be a finite number/],
    [{ type: 'location', lat: '', long: '4.89' }, /^invalid_input: lat: .*1 to 64 characters/],
    [{ type: 'location', lat: '5'.repeat(65), long: '4.89' }, /^invalid_input: lat: .*1 to 64 characters/],
  ] satisfies [SendInput, RegExp][])(
    'rejects %j at once with a clear error, without a request',
    async (input, message) => {
      const relay = fakeRelay()
      const { chat } = client(relay, createMemoryStorage())
      chats.push(chat)
      const states: string[] = []
      let error: string | undefined
      const thread = chat.thread('t1')
      thread.messages$.subscribe((ms) => (error = ms.at(-1)?.error))
      thread.send(input).subscribe((s) => states.push(s))
      await settle()
      expect(states).toEqual(['failed'])
      expect(error).toMatch(message)
      expect(relay.posts()).toHaveLength(0)
    },
  )

  it('posts a location as the strings Flow.ai shows, from numbers or strings', async () => {
    const relay = fakeRelay()
    const { chat } = client(relay, createMemoryStorage())
    chats.push(chat)
    const states: string[] = []
    chat
      .thread('t1')
      .send({ type: 'location', lat: 52.37, long: '-4.89', title: 'Office' })
      .subscribe((s) => states.push(s))
    await settle()
    expect(states).toEqual(['pending', 'sent'])
    expect(relay.posts()[0]?.body).toMatchObject({
      type: 'location',
      lat: '52.37',
      long: '-4.89',
      title: 'Office',
    })
  })

  it('gives a closed handle after close(): its views complete at once, it opens no stream and sends nothing', async () => {
    const relay = fakeRelay()
    const storage = createMemoryStorage()
    const { chat } = client(relay, storage)
    chat.close()
    const thread = chat.thread('t1')
    expect(chat.thread('t1')).toBe(thread)
    const seen: string[] = []
    const done = { messages: false, send: false }
    thread.messages$.subscribe({ next: () => seen.push('messages'), complete: () => (done.messages = true) })
    thread.send({ type: 'text', text: 'too late' }).subscribe({
      next: (s) => seen.push(s),
      complete: () => (done.send = true),
    })
    await settle()
    expect(done).toEqual({ messages: true, send: true })
    expect(seen).toEqual([])
    expect(FakeEventSource.instances).toHaveLength(0)
    expect(relay.calls).toEqual([])
    // Not kept for a later page to send either: the closed client took nothing.
    expect(storage.getItem('flowchat:outbox:t1')).toBeNull()
  })

  it('two tabs sharing storage send a queued message once', async () => {
    const relay = fakeRelay()
    const storage = createMemoryStorage()
    const a = client(relay, storage)
    const b = client(relay, storage)
    chats.push(a.chat, b.chat)
    a.online$.next(false)
    b.online$.next(false)
    a.chat.thread('t1').send({ type: 'text', text: 'once' })
    const tabB = b.chat.thread('t1')
    let shown: ChatMessage[] = []
    tabB.messages$.subscribe((ms) => (shown = [...ms]))
    expect(shown.map(textOf)).toEqual(['once'])
    a.online$.next(true)
    b.online$.next(true)
    await settle()
    expect(relay.posts()).toHaveLength(1)
  })

  it('on reset refetches history and merges it without duplicates', async () => {
    const relay = fakeRelay()
    const { chat } = client(relay, createMemoryStorage())
    chats.push(chat)
    const thread = chat.thread('t1')
    let shown: readonly ChatMessage[] = []
    thread.messages$.subscribe((ms) => (shown = ms))
    const events: string[] = []
    thread.events$.subscribe((e) => events.push(e.id))
    await settle()
    const es = FakeEventSource.last()
    es.open()
    const reply = (id: string, msgId: string, text: string, ms: number) => ({
      id,
      threadId: 't1',
      kind: 'reply',
      type: 'message',
      receivedAt: new Date(BASE + ms).toISOString(),
      source: 'webhook',
      body: {
        type: 'message',
        payload: {
          threadId: 't1',
          originator: { name: 'Bot', role: 'bot' },
          messages: [
            { responses: [{ type: 'text', payload: { text } }], meta: { msgId, createdAt: BASE + ms } },
          ],
        },
      },
    })
    es.emit('reply', reply('5-0', 'm1', 'one', 1))
    es.emit('reply', reply('5-0', 'm1', 'one', 1))
    es.emit('reply', reply('6-0', 'm2', 'two', 2))
    relay.history = [1, 2, 3].map((n) => ({
      originator: { name: 'Bot', role: 'bot' },
      messages: [
        {
          responses: [{ type: 'text', payload: { text: ['one', 'two', 'three'][n - 1] } }],
          meta: { msgId: `m${n}`, createdAt: BASE + n },
        },
      ],
    }))
    es.emit('reset', { reason: 'log trimmed' })
    await settle()
    expect(shown.map(textOf)).toEqual(['one', 'two', 'three'])
    expect(events).toEqual(['5-0', '6-0'])
  })

  it('shows sends left in storage by an earlier page load as pending', () => {
    const relay = fakeRelay()
    const storage = createMemoryStorage()
    const first = client(relay, storage)
    chats.push(first.chat)
    first.online$.next(false)
    first.chat.thread('t1').send({ type: 'text', text: 'survives' })
    first.chat.close()
    const second = client(relay, storage)
    chats.push(second.chat)
    second.online$.next(false)
    let shown: readonly ChatMessage[] = []
    second.chat.thread('t1').messages$.subscribe((ms) => (shown = ms))
    expect(shown.map((m) => `${textOf(m)}:${m.state}`)).toEqual(['survives:pending'])
  })
})

describe('createFlowChat with a stored session', () => {
  it('refreshes a stored token past its refresh time on start, and starts a new thread when it is refused', async () => {
    const relay = fakeRelay()
    const storage = createMemoryStorage()
    const old = { threadId: 'old', token: fakeJwt({ iat: 0, exp: 1000 }), expiresAt: 'x' }
    storage.setItem('flowchat:session:http://relay.test', JSON.stringify(old))
    relay.refreshAnswer = () =>
      json(401, { error: { code: 'unauthorized', message: 'past the refresh grace' } })
    const { chat, scheduler } = client(relay, storage)
    chats.push(chat)
    scheduler.frame = 900_000
    expect(await chat.session()).toEqual({ threadId: 't1' })
    const sessions = relay.calls.filter((c) => c.path === '/v1/sessions')
    expect(sessions.map((c) => c.auth !== null)).toEqual([true, false])
    expect(storage.getItem('flowchat:session:http://relay.test')).toContain('"threadId":"t1"')
    const states: string[] = []
    chat.thread('t1').connection$.subscribe((c) => states.push(c.state))
    await settle()
    expect(states).toEqual(['connecting'])
  })
})

describe('createFlowChat outbox', () => {
  it('sends while storage refuses writes (full localStorage, or blocked), keeping the outbox in the page', async () => {
    FakeEventSource.reset()
    const relay = fakeRelay()
    const full: KeyValueStorage = {
      ...createMemoryStorage(),
      setItem: () => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
      },
    }
    const { chat, online$ } = client(relay, full)
    chats.push(chat)
    online$.next(false)
    const thread = chat.thread('t1')
    const states: string[] = []
    thread.send({ type: 'text', text: 'no room' }).subscribe((s) => states.push(s))
    const queued: number[] = []
    thread.queued$.subscribe((n) => queued.push(n))
    await settle()
    // Offline, it waits in the page's memory: counted as queued, still pending.
    expect(last(queued)).toBe(1)
    expect(states).toEqual(['pending'])
    online$.next(true)
    await settle()
    expect(relay.posts().map((p) => p.body)).toMatchObject([{ type: 'text', text: 'no room' }])
    expect(states).toEqual(['pending', 'sent'])
    expect(last(queued)).toBe(0)
  })

  it('refuses params that JSON cannot hold (a BigInt, a cycle) at once, naming the field, and posts nothing', async () => {
    FakeEventSource.reset()
    const relay = fakeRelay()
    const { chat } = client(relay, createMemoryStorage())
    chats.push(chat)
    const thread = chat.thread('t1')
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    for (const params of [{ n: 1n }, cyclic]) {
      const states: string[] = []
      thread.send({ type: 'text', text: 'hi', params }).subscribe((s) => states.push(s))
      await settle()
      expect(states).toEqual(['failed'])
    }
    const failed = (await firstValueFrom(thread.messages$)).filter((m) => m.state === 'failed')
    expect(failed.map((m) => m.error)).toEqual([
      expect.stringMatching(/^invalid_input: params: .*BigInt/),
      expect.stringMatching(/^invalid_input: params: .*circular/),
    ])
    expect(relay.posts()).toHaveLength(0)
  })

  it('drops a queued send from the outbox once its echo proved it arrived (a 202 lost on the way back)', async () => {
    FakeEventSource.reset()
    const relay = fakeRelay()
    const storage = createMemoryStorage()
    const { chat, scheduler } = client(relay, storage)
    chats.push(chat)
    relay.sendAnswer = () => new TypeError('connection reset')
    const thread = chat.thread('t1')
    thread.messages$.subscribe()
    const states: string[] = []
    thread.send({ type: 'text', text: 'arrived' }).subscribe((s) => states.push(s))
    await settle()
    expect(relay.posts()).toHaveLength(1)
    const traceId = (relay.posts()[0]?.body as { traceId: string }).traceId
    FakeEventSource.last().open()
    FakeEventSource.last().emit('sent', {
      id: '9-0',
      threadId: 't1',
      kind: 'sent',
      type: 'text',
      receivedAt: new Date(BASE).toISOString(),
      source: 'visitor',
      body: {
        payload: { type: 'text', speech: 'arrived', traceId, originator: { name: 'A', role: 'external' } },
      },
    })
    relay.sendAnswer = () => json(202, { traceId })
    await advance(scheduler, 5000)
    expect(relay.posts()).toHaveLength(1)
    expect(storage.getItem('flowchat:outbox:t1')).toBeNull()
    expect(states).toEqual(['pending', 'sent'])
  })
})

describe('createFlowChat options', () => {
  it.each([
    ['no options', undefined, 'undefined'],
    ['no relayUrl', {}, 'undefined'],
    // Parsed as a URL of scheme 'localhost:': fetch refused it on every call, as "fetch failed".
    ['a relayUrl without a scheme', { relayUrl: 'localhost:8788' }, 'localhost:8788'],
    ['a relayUrl that is not http(s)', { relayUrl: 'ftp://relay.test' }, 'ftp://relay.test'],
    ['a relayUrl that is not a URL', { relayUrl: 'relay' }, 'relay'],
  ])('refuses %s when the client is created, naming relayUrl', (_, options, got) => {
    const create = () => createFlowChat(options as never)
    expect(create).toThrow(
      expect.objectContaining({
        name: 'FlowError',
        code: 'invalid_input',
        path: 'relayUrl',
        message: `relayUrl: must be an absolute http(s) URL, got "${got}".`,
      }),
    )
  })
})

describe('createFlowChat sends', () => {
  beforeEach(() => FakeEventSource.reset())
  afterEach(() => {
    for (const c of chats) c.close()
    chats = []
  })

  it.each([null, undefined, 'hello'])(
    'shows a send of %j failed, naming its type, instead of throwing a TypeError; nothing is posted',
    async (input) => {
      const relay = fakeRelay()
      const { chat } = client(relay, createMemoryStorage())
      chats.push(chat)
      const thread = chat.thread('t1')
      const states: string[] = []
      thread.send(input as never).subscribe((s) => states.push(s))
      await settle()
      expect(states).toEqual(['failed'])
      const [failed] = await firstValueFrom(thread.messages$)
      expect(failed?.error).toBe('invalid_input: type: must be one of text, event, location, media, upload')
      expect(relay.posts()).toHaveLength(0)
    },
  )

  it('fails a retry of an id that is no send of the thread at once, naming the id, instead of never emitting', async () => {
    const relay = fakeRelay()
    const { chat } = client(relay, createMemoryStorage())
    chats.push(chat)
    const thread = chat.thread('t1')
    relay.history = [
      {
        originator: { name: 'Bot', role: 'bot' },
        messages: [{ fallback: 'Hi', responses: [{ type: 'text', payload: { text: 'Hi' } }] }],
      },
    ]
    thread.messages$.subscribe()
    await settle()
    FakeEventSource.last().open()
    await settle()
    const [bot] = await firstValueFrom(thread.messages$)
    expect(bot?.sender).toBe('bot')
    // An unknown id, and a message that is not an own send (it has no delivery state).
    for (const id of ['unknown-id', bot!.id]) {
      const seen: unknown[] = []
      thread.retry(id).subscribe({ next: (s) => seen.push(s), error: (e: unknown) => seen.push(e) })
      expect(seen).toEqual([
        expect.objectContaining({
          name: 'FlowError',
          code: 'invalid_input',
          message: `messageId: no send "${id}" in this thread.`,
        }),
      ])
    }
    // A send that went out still gives its state.
    const states: string[] = []
    thread.send({ type: 'text', text: 'hi' }).subscribe()
    await settle()
    const own = (await firstValueFrom(thread.messages$)).find((m) => m.own)!
    thread.retry(own.id).subscribe((s) => states.push(s))
    expect(states).toEqual(['sent'])
    expect(relay.posts()).toHaveLength(1)
  })
})
