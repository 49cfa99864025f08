import { randomBytes } from 'node:crypto'
import { VirtualTimeScheduler, firstValueFrom, of, type Observable } from 'rxjs'
import { describe, expect, it } from 'vitest'
import { createMemoryStorage } from './memory-storage.js'
import { createOperatorChat } from './operator-chat.js'
import { advance, FakeEventSource, fakeJwt, settle } from './test-doubles.js'
import type { OperatorChat, OperatorChatOptions } from './types.js'

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

/** Subscribes to the chat's streams; the returned list names each one as it completes. */
function completions(chat: OperatorChat): string[] {
  const completed: string[] = []
  const streams: [string, Observable<unknown>][] = [
    ['events$', chat.events$],
    ['connection$', chat.connection$],
    ['threads$', chat.threads$],
  ]
  for (const [name, stream$] of streams) stream$.subscribe({ complete: () => completed.push(name) })
  return completed
}

/** An operator chat on `fetch`, a fake EventSource and virtual time, with an operator token unless `options` says. */
function fakeOperatorChat(fetch: typeof globalThis.fetch, options: Partial<OperatorChatOptions> = {}) {
  return createOperatorChat({
    relayUrl: 'http://relay.test',
    session: { operatorToken: fakeJwt({ iat: 0, exp: 3600, scope: 'operator' }) },
    fetch,
    EventSource: FakeEventSource as never,
    storage: createMemoryStorage(),
    scheduler: new VirtualTimeScheduler(),
    ...options,
  })
}

/** An operator chat on `fetch` and a fake EventSource, watched: `lists` holds the thread ids `threads$` showed. */
function watchedThreads(operatorToken: string, fetch: typeof globalThis.fetch) {
  const chat = fakeOperatorChat(fetch, { session: { operatorToken } })
  const lists: string[][] = []
  const sub = chat.threads$.subscribe((threads) => lists.push(threads.map((t) => t.threadId)))
  const stop = () => {
    sub.unsubscribe()
    chat.close()
  }
  return { lists, stop }
}

describe('createOperatorChat', () => {
  it('asks for the thread list with the operator token, on the very first subscription', async () => {
    const token = fakeJwt({ iat: 0, exp: 3600, scope: 'operator' })
    const calls: { path: string; auth: string | null }[] = []
    const fetch = (async (input: string, init: RequestInit = {}) => {
      await Promise.resolve()
      const url = new URL(input)
      const auth = new Headers(init.headers).get('authorization')
      calls.push({ path: url.pathname, auth })
      if (url.pathname === '/v1/threads' && auth === `Bearer ${token}`) {
        return json(200, { threads: ['t2', 't1'], page: 1, pages: 1 })
      }
      return json(401, { error: { code: 'unauthorized', message: 'no token' } })
    }) as typeof globalThis.fetch
    const { lists, stop } = watchedThreads(token, fetch)
    await settle()
    expect(calls.filter((c) => c.path === '/v1/threads')).toEqual([
      { path: '/v1/threads', auth: `Bearer ${token}` },
    ])
    expect(lists.at(-1)).toEqual(['t2', 't1'])
    stop()
  })

  it('lists the threads again when the relay says the stream cannot resume (a thread may have begun meanwhile)', async () => {
    FakeEventSource.reset()
    const listed = [['t1'], ['t2', 't1']]
    let lists = 0
    const fetch = (async (input: string) => {
      await Promise.resolve()
      if (new URL(input).pathname !== '/v1/threads') return json(404, {})
      return json(200, { threads: listed[Math.min(lists++, 1)], page: 1, pages: 1 })
    }) as typeof globalThis.fetch
    const { lists: seen, stop } = watchedThreads(fakeJwt({ iat: 0, exp: 3600, scope: 'operator' }), fetch)
    await settle()
    expect(seen.at(-1)).toEqual(['t1'])
    const source = FakeEventSource.last()
    source.open()
    source.emit('reset', { reason: 'event 5-0 is not in the retained log' })
    await settle()
    expect(lists).toBe(2)
    expect(seen.at(-1)).toEqual(expect.arrayContaining(['t1', 't2']))
    stop()
  })

  it.each(['close', 'reset'] as const)('ends its streams on %s', (end) => {
    const chat = createOperatorChat({
      relayUrl: 'http://relay.test',
      session: { operatorToken: 'x' },
      fetch: () => Promise.reject(new TypeError('offline')),
      EventSource: FakeEventSource as never,
      storage: createMemoryStorage(),
      online$: of(false),
    })
    const completed = completions(chat)
    expect(completed).toEqual([])
    chat[end]()
    expect(completed).toEqual(['events$', 'connection$', 'threads$'])
  })

  it('opens nothing for a stream subscribed after close: it ends at once', async () => {
    const calls: string[] = []
    const chat = createOperatorChat({
      relayUrl: 'http://relay.test',
      session: { operatorToken: fakeJwt({ iat: 0, exp: 3600, scope: 'operator' }) },
      fetch: ((input: string) => {
        calls.push(new URL(input).pathname)
        return Promise.resolve(json(200, { threads: [], page: 1, pages: 1 }))
      }) as typeof globalThis.fetch,
      EventSource: FakeEventSource as never,
      storage: createMemoryStorage(),
    })
    const opened = FakeEventSource.instances.length
    chat.close()
    const completed = completions(chat)
    await settle()
    expect(completed).toEqual(['events$', 'connection$', 'threads$'])
    expect(FakeEventSource.instances.length).toBe(opened)
    expect(calls).toEqual([])
  })

  it('keeps the visitor client: sessions, threads and business hours come from createFlowChat', () => {
    const chat = createOperatorChat({
      relayUrl: 'http://relay.test',
      session: { operatorToken: 'x' },
      fetch: () => Promise.reject(new Error('offline')),
      EventSource: FakeEventSource as never,
      storage: createMemoryStorage(),
    })
    expect(chat.thread('t1')).toBe(chat.thread('t1'))
    expect(typeof chat.businessHours).toBe('function')
    chat.close()
  })

  it("has no thread of its own, and its sends are an agent's own messages", async () => {
    const storage = createMemoryStorage()
    storage.setItem('flowchat:session:http://relay.test', '"a visitor\'s session"')
    const chat = createOperatorChat({
      relayUrl: 'http://relay.test',
      session: { operatorToken: fakeJwt({ iat: 0, exp: 3600, scope: 'operator' }) },
      fetch: () => Promise.reject(new TypeError('offline')),
      EventSource: FakeEventSource as never,
      storage,
      online$: of(false),
    })
    await expect(chat.session()).rejects.toThrow('An operator session has no thread of its own')
    chat.thread('t1').send({ type: 'text', text: 'Hi' })
    const messages = await firstValueFrom(chat.thread('t1').messages$)
    expect(messages).toMatchObject([{ sender: 'agent', own: true, state: 'pending' }])
    // An operator's reset leaves a visitor's stored session (same relay, same storage) alone.
    chat.reset()
    expect(storage.getItem('flowchat:session:http://relay.test')).toBe('"a visitor\'s session"')
  })

  it('refuses an operator token it cannot send when created, naming the option and never quoting the token', () => {
    const calls: string[] = []
    const fetch = ((input: string) => {
      calls.push(input)
      return Promise.reject(new TypeError('offline'))
    }) as typeof globalThis.fetch
    // A token read from a file keeps its line break; `session` forgotten; a visitor's `token` given instead.
    const fromFile = randomBytes(12).toString('hex')
    const sessions = [{ operatorToken: `${fromFile}\n` }, { operatorToken: '' }, undefined, { token: 'abc' }]
    for (const session of sessions) {
      const create = () =>
        createOperatorChat({
          relayUrl: 'http://relay.test',
          session,
          fetch,
        } as unknown as OperatorChatOptions)
      expect(create, JSON.stringify(session)).toThrow(
        expect.objectContaining({ name: 'FlowError', code: 'invalid_input', path: 'session.operatorToken' }),
      )
      expect(create).toThrow(/^session\.operatorToken: must be /)
      expect(create).not.toThrow(fromFile)
    }
    expect(calls).toEqual([])
  })

  it('refuses no options, or a relayUrl that is not http(s), when created: a FlowError naming the option', () => {
    const token = fakeJwt({ iat: 0, exp: 3600, scope: 'operator' })
    expect(() => createOperatorChat(undefined as never)).toThrow(
      expect.objectContaining({ name: 'FlowError', code: 'invalid_input', path: 'session.operatorToken' }),
    )
    expect(() =>
      createOperatorChat({ relayUrl: 'localhost:8788', session: { operatorToken: token } }),
    ).toThrow(expect.objectContaining({ name: 'FlowError', code: 'invalid_input', path: 'relayUrl' }))
  })

  it('reads every watched thread from the one all-threads stream, opening no stream per thread', async () => {
    FakeEventSource.reset()
    const fetch = (async (input: string) => {
      await Promise.resolve()
      const { pathname } = new URL(input)
      return pathname.endsWith('/messages')
        ? json(200, { threadId: 't', page: 1, pages: 1, history: [] })
        : json(404, { error: { code: 'not_found', message: 'no route' } })
    }) as typeof globalThis.fetch
    const chat = fakeOperatorChat(fetch)
    const ids = ['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8']
    const states = new Map<string, string>()
    for (const id of ids) chat.thread(id).connection$.subscribe((c) => states.set(id, c.state))
    await settle()
    expect(FakeEventSource.instances.map((es) => new URL(es.url).pathname)).toEqual(['/v1/events'])
    FakeEventSource.last().open()
    await settle()
    expect([...states.values()]).toEqual(ids.map(() => 'open'))
    FakeEventSource.last().emit('sent', {
      id: '5-0',
      threadId: 't7',
      kind: 'sent',
      type: 'text',
      receivedAt: new Date(0).toISOString(),
      source: 'visitor',
      body: { payload: { type: 'text', speech: 'to t7', originator: { name: 'V', role: 'external' } } },
    })
    await settle()
    const t7 = await firstValueFrom(chat.thread('t7').messages$)
    expect(t7.map((m) => m.templates[0])).toEqual([{ type: 'text', payload: { text: 'to t7' } }])
    expect(await firstValueFrom(chat.thread('t6').messages$)).toEqual([])
    chat.close()
  })

  it("fails the operator's calls with the token's refusal once the relay refused it, sending none without a token", async () => {
    FakeEventSource.reset()
    const sent: (string | null)[] = []
    const fetch = (async (_input: string, init: RequestInit = {}) => {
      await Promise.resolve()
      sent.push(new Headers(init.headers).get('authorization'))
      return json(403, { error: { code: 'forbidden', message: 'An operator token is required.' } })
    }) as typeof globalThis.fetch
    // A visitor's token given as the operator's: the all-threads stream is refused.
    const chat = createOperatorChat({
      relayUrl: 'http://relay.test',
      // Real time here: a token that expires an hour after this test.
      session: { operatorToken: fakeJwt({ exp: Math.floor(Date.now() / 1000) + 3600, scope: 'thread' }) },
      fetch,
      EventSource: FakeEventSource as never,
      storage: createMemoryStorage(),
    })
    const states: string[] = []
    chat.connection$.subscribe((c) => states.push(c.state))
    await settle()
    FakeEventSource.last().fail(403)
    await settle()
    expect(states.at(-1)).toBe('failed')
    sent.length = 0
    await expect(chat.operator.threads()).rejects.toMatchObject({
      code: 'unauthorized',
      message: 'The operator token was refused. Sign in again for a new one.',
    })
    await expect(chat.operator.pause('t1')).rejects.toMatchObject({ code: 'unauthorized' })
    expect(sent).toEqual([])
    chat.close()
  })

  it('asks for the thread list again after a back-off when the relay could not answer it (a blip)', async () => {
    FakeEventSource.reset()
    const answers = [json(503, { error: { code: 'unavailable', message: 'blip' } }), json(502, {})]
    let asked = 0
    const fetch = (async (input: string) => {
      await Promise.resolve()
      if (new URL(input).pathname !== '/v1/threads') return json(404, {})
      asked++
      return answers.shift() ?? json(200, { threads: ['t2', 't1'], page: 1, pages: 1 })
    }) as typeof globalThis.fetch
    const scheduler = new VirtualTimeScheduler()
    const chat = fakeOperatorChat(fetch, { scheduler, backoff: { baseMs: 1000, random: () => 1 } })
    const lists: string[][] = []
    const sub = chat.threads$.subscribe((threads) => lists.push(threads.map((t) => t.threadId)))
    await settle()
    expect(asked).toBe(1)
    await advance(scheduler, 1000)
    expect(asked).toBe(2)
    await advance(scheduler, 2000)
    expect(asked).toBe(3)
    expect(lists.at(-1)).toEqual(['t2', 't1'])
    // Nobody watching: a failed list is not asked again.
    sub.unsubscribe()
    answers.push(json(503, {}))
    const again = chat.threads$.subscribe(() => undefined)
    await settle()
    again.unsubscribe()
    const before = asked
    await advance(scheduler, 60_000)
    expect(asked).toBe(before)
    chat.close()
  })
})
