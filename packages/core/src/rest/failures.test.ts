import { randomBytes, randomUUID } from 'node:crypto'
import { createServer } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { startFakeFlow, type FakeFlow } from '../../test/fixtures/flow-server.js'
import { FlowError } from '../errors.js'
import type { MessageInput } from '../schemas/index.js'
import { MAX_UPLOAD_BYTES } from './multipart.js'
import { parseRetryAfter } from './retry.js'
import { createFlowRestClient } from './rest-client.js'
import type { FlowRestClientOptions } from './types.js'

const THREAD = 'a4ad8a025763451da6f15f2b50991651|o_21361542-a262-4aaa-8edb-0f8f88e07d89'
/** A key made at run time, distinctive enough to spot anywhere it leaks. */
const KEY = `sk-${randomUUID()}`
const originator = { name: 'John Doe', role: 'external' } as const
const text = (t: string, traceId?: string): MessageInput => ({
  type: 'text',
  text: t,
  originator,
  ...(traceId ? { traceId } : {}),
})

let flow: FakeFlow
let sleeps: number[]

beforeAll(async () => {
  flow = await startFakeFlow()
})
afterAll(() => flow.close())
beforeEach(() => {
  flow.requests.length = 0
  flow.consume = true
  sleeps = []
})

/** A client whose back-off waits are recorded instead of slept, with jitter fixed at one half. */
function client(options: Partial<FlowRestClientOptions> = {}) {
  return createFlowRestClient({
    apiKey: KEY,
    auth: 'bearer',
    baseUrl: flow.baseUrl,
    sleep: (ms) => {
      sleeps.push(ms)
      return Promise.resolve()
    },
    random: () => 0.5,
    ...options,
  })
}

async function failure(promise: Promise<unknown>): Promise<FlowError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(FlowError)
  return error as FlowError
}

/** The password of the URLs with credentials below, made for this run (no secret-shaped constant in the repository). */
const urlPassword = randomBytes(8).toString('hex')

describe('input is rejected before any request', () => {
  it.each([
    [
      'text over 255 characters',
      (c: ReturnType<typeof client>) => c.sendMessage(THREAD, text('x'.repeat(256))),
      'payload.speech',
    ],
    ['empty text', (c: ReturnType<typeof client>) => c.sendMessage(THREAD, text('')), 'payload.speech'],
    [
      'a missing threadId',
      (c: ReturnType<typeof client>) => c.sendMessage(undefined as unknown as string, text('hi')),
      'threadId',
    ],
    ['an empty threadId', (c: ReturnType<typeof client>) => c.pause(''), 'threadId'],
    ['a threadId with a line break', (c: ReturnType<typeof client>) => c.getBotStatus('a\nb'), 'threadId'],
    [
      'an empty eventName (event message)',
      (c: ReturnType<typeof client>) => c.sendMessage(THREAD, { type: 'event', eventName: '', originator }),
      'payload.eventName',
    ],
    [
      'an empty eventName (trigger)',
      (c: ReturnType<typeof client>) => c.triggerEvent(THREAD, ''),
      'eventName',
    ],
    [
      'a missing eventName (trigger)',
      (c: ReturnType<typeof client>) => c.triggerEvent(THREAD, undefined as unknown as string),
      'eventName',
    ],
    [
      'an originator role other than external/moderator',
      (c: ReturnType<typeof client>) =>
        c.sendMessage(THREAD, {
          type: 'text',
          text: 'hi',
          originator: { name: 'A', role: 'bot' as 'external' },
        }),
      'payload.originator.role',
    ],
    [
      'a media message without url',
      (c: ReturnType<typeof client>) =>
        c.sendMessage(THREAD, { type: 'media', mediaType: 'image', url: '', originator }),
      'payload.url',
    ],
    ['page 0', (c: ReturnType<typeof client>) => c.getHistory(THREAD, 0), 'page'],
    ['page 1.5', (c: ReturnType<typeof client>) => c.getThreads(1.5), 'page'],
    ['secondsToPause -1', (c: ReturnType<typeof client>) => c.handover(THREAD, -1), 'secondsToPause'],
    ['secondsToPause 1.5', (c: ReturnType<typeof client>) => c.handover(THREAD, 1.5), 'secondsToPause'],
  ])('%s', async (_name, call, path) => {
    const err = await failure(call(client()))
    expect(err.code).toBe('invalid_input')
    expect(err.path).toBe(path)
    expect(err.message).toContain(path)
    expect(flow.requests).toHaveLength(0)
  })

  it('names the rule: "payload.speech: must be at most 255 characters"', async () => {
    const err = await failure(client().sendMessage(THREAD, text('x'.repeat(256))))
    expect(err.message).toBe('payload.speech: must be at most 255 characters')
  })

  it('accepts exactly 255 characters', async () => {
    await client().sendMessage(THREAD, text('é'.repeat(255)))
    expect(flow.requests).toHaveLength(1)
  })

  it.each([
    ['baseUrl', 'no scheme', { baseUrl: 'api.flow.ai/rest/v1' }],
    ['baseUrl', 'ftp:', { baseUrl: 'ftp://api.flow.ai/rest/v1/' }],
    // fetch refuses such a URL with an error that quotes it, password and all.
    ['baseUrl', 'user:password@', { baseUrl: `https://user:${urlPassword}@api.flow.ai/rest/v1/` }],
    ['timeoutMs', 'NaN', { timeoutMs: Number.NaN }],
    ['timeoutMs', '-5', { timeoutMs: -5 }],
    ['timeoutMs', '0', { timeoutMs: 0 }],
    // A timer given more than 2^31 - 1 ms fires at once: every call would time out.
    ['timeoutMs', '2 ** 32', { timeoutMs: 2 ** 32 }],
    ['deadlineMs', '2 ** 31', { deadlineMs: 2 ** 31 }],
    ['retry.retries', '-1', { retry: { retries: -1 } }],
    ['retry.retries', 'NaN', { retry: { retries: Number.NaN } }],
    ['retry.retries', '1.5', { retry: { retries: 1.5 } }],
    ['retry.baseDelayMs', 'NaN', { retry: { baseDelayMs: Number.NaN } }],
    ['retry.maxDelayMs', '-1', { retry: { maxDelayMs: -1 } }],
    ['retry.maxDelayMs', '2 ** 40', { retry: { maxDelayMs: 2 ** 40 } }],
    // Taken before, then every call failed as a network error and was retried: `fetchFn is not a function`.
    ['fetch', 'not a function', { fetch: 42 as unknown as typeof fetch }],
    ['sleep', 'not a function', { sleep: 'no' as unknown as () => Promise<void> }],
    ['random', 'not a function', { random: 0.5 as unknown as () => number }],
    // Taken before: NaN removed the limit altogether, a negative one refused every file as over 0 MB.
    ['maxUploadBytes', 'NaN', { maxUploadBytes: Number.NaN }],
    ['maxUploadBytes', "'10MB'", { maxUploadBytes: '10MB' as unknown as number }],
    ['maxUploadBytes', '-1', { maxUploadBytes: -1 }],
    ['maxUploadBytes', '0', { maxUploadBytes: 0 }],
    ['maxUploadBytes', '1.5', { maxUploadBytes: 1.5 }],
  ] satisfies [string, string, Partial<FlowRestClientOptions>][])(
    'refuses %s (%s) when the client is created, naming the field',
    (path, _label, options) => {
      const error = (() => {
        try {
          client(options)
        } catch (e) {
          return e
        }
        return undefined
      })()
      expect(error).toBeInstanceOf(FlowError)
      expect((error as FlowError).code).toBe('invalid_input')
      expect((error as FlowError).path).toBe(path)
      expect((error as FlowError).message).toContain(path)
      expect((error as FlowError).message).not.toContain(urlPassword)
    },
  )

  it.each([
    ['signal', 'a string', () => client().getThreads(1, { signal: 'stop' as unknown as AbortSignal })],
    ['signal', 'an object', () => client().pause(THREAD, { signal: {} as AbortSignal })],
    ['options', 'null', () => client().getTriggerEvents(null as unknown as undefined)],
    [
      'onProgress',
      'not a function',
      () =>
        client().uploadMedia(THREAD, { type: 'media', mediaType: 'file', originator }, new Blob(['x']), {
          onProgress: 5 as unknown as () => void,
        }),
    ],
  ])('refuses a call whose %s is %s before any request, naming it', async (path, _label, call) => {
    const err = await failure(call())
    expect(err).toMatchObject({ code: 'invalid_input', path })
    expect(err.message).toMatch(new RegExp(`^${path}: `))
    expect(flow.requests).toHaveLength(0)
  })

  it('refuses to be created without options, naming them, instead of throwing a TypeError', () => {
    for (const options of [undefined, null, 'key']) {
      expect(() => createFlowRestClient(options as unknown as FlowRestClientOptions)).toThrow(
        expect.objectContaining({ name: 'FlowError', code: 'invalid_input', path: 'options' }),
      )
    }
  })

  it('takes a maxUploadBytes above 250 MB as 250 MB: the limit can only be lowered', async () => {
    const err = await failure(
      client({ maxUploadBytes: 2 * MAX_UPLOAD_BYTES }).uploadMedia(
        THREAD,
        { type: 'media', mediaType: 'file', originator },
        { stream: new Blob(['x']).stream(), filename: 'big.bin', size: MAX_UPLOAD_BYTES + 1 },
      ),
    )
    expect(err.code).toBe('payload_too_large')
  })

  it('takes retries: Infinity (bounded by deadlineMs) and retries: 0', async () => {
    flow.queue({ status: 503 }, { status: 503 }, { body: { status: 'ok' } })
    await client({ retry: { retries: Infinity } }).requestThreads()
    expect(flow.requests).toHaveLength(3)
    flow.queue({ status: 503 })
    expect((await failure(client({ retry: { retries: 0 } }).requestThreads())).code).toBe('unavailable')
  })

  it('refuses a bad apiKey or auth style when the client is created', () => {
    expect(() => createFlowRestClient({ apiKey: '', auth: 'raw' })).toThrow(FlowError)
    expect(() => createFlowRestClient({ apiKey: `${KEY}\r\nX: y`, auth: 'raw' })).toThrow(/apiKey/)
    expect(() => createFlowRestClient({ apiKey: KEY, auth: 'basic' as 'raw' })).toThrow(/auth/)
  })
  it("refuses a key that already starts with `Bearer ` under auth: 'bearer' (the older example keeps it in its token)", async () => {
    const fetch = vi.fn(() => Promise.resolve(new Response('{"status":"ok"}')))
    for (const apiKey of [`Bearer ${KEY}`, `bearer ${KEY}`]) {
      const err = (() => {
        try {
          createFlowRestClient({ apiKey, auth: 'bearer', fetch })
        } catch (e) {
          return e as FlowError
        }
      })()
      expect(err).toBeInstanceOf(FlowError)
      expect(err).toMatchObject({ code: 'invalid_input', path: 'apiKey' })
      expect(err!.message).toContain("auth: 'bearer' adds it")
      expect(err!.message).not.toContain(KEY)
    }
    // The same value under auth: 'raw' is the older header written out in full: sent as given.
    await createFlowRestClient({ apiKey: `Bearer ${KEY}`, auth: 'raw', fetch }).pause('t')
    expect(fetch).toHaveBeenCalledOnce()
  })
})

describe('HTTP errors', () => {
  it.each([
    [400, 'invalid_input'],
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [404, 'not_found'],
    [413, 'payload_too_large'],
    [429, 'rate_limited'],
    [500, 'server_error'],
    [503, 'unavailable'],
  ] as const)('%i is %s, with the status', async (status, code) => {
    flow.queue({ status, body: { status: 'error', message: 'nope' } })
    const err = await failure(client({ retry: false }).getThreads())
    expect(err).toMatchObject({ code, status })
    expect(err.message).toContain(`Flow.ai answered ${status} to GET threads?sync=true&page=1: nope.`)
  })

  it('401 says how to fix the auth style', async () => {
    flow.queue({ status: 401, body: 'Unauthorized' })
    const err = await failure(client().pause(THREAD))
    expect(err.message).toMatch(/'raw' sends `Authorization: <key>`.*'bearer'/)
  })

  it('a 200 with {"status":"error"} is a server_error', async () => {
    flow.queue({ body: { status: 'error', message: 'thread is closed' } })
    const err = await failure(client().pause(THREAD))
    expect(err.code).toBe('server_error')
    expect(err.message).toContain('thread is closed')
  })
})

describe('redirects', () => {
  it.each([301, 302, 303, 307, 308])(
    'a %i is not followed: the call fails naming it, and only the first request was sent',
    async (status) => {
      // Followed, a 301, 302 or 303 turns the POST into a GET of the new place (a history request, a bot status),
      // whose {"status":"ok"} then reported a message sent, or a bot paused, that never was.
      const location = `${flow.baseUrl}moved/`
      flow.queue({ status, headers: { location } })
      const err = await failure(client().sendMessage(THREAD, text('Hello', 'm-1')))
      expect(err).toMatchObject({ code: 'invalid_response', status })
      expect(err.message).toContain(
        `Flow.ai answered ${status} (a redirect to ${location}) to POST messages/`,
      )
      expect(err.message).toContain('Check baseUrl')
      expect(flow.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        `POST /rest/v1/messages/${encodeURIComponent(THREAD)}`,
      ])
    },
  )

  it("names only the redirect's origin and path: a user, password or query in the Location stays out", async () => {
    const [password, token] = [randomBytes(8).toString('hex'), randomBytes(6).toString('hex')]
    flow.queue({
      status: 302,
      headers: { location: `https://user:${password}@other.example/v2/x?token=${token}#f` },
    })
    const err = await failure(client().pause(THREAD))
    expect(err.message).toContain('(a redirect to https://other.example/v2/x)')
    for (const part of [password, 'user', token]) expect(err.message).not.toContain(part)
  })
})

describe('invalid responses', () => {
  it.each([
    [
      'threads not an array',
      () => client().getThreads(),
      { status: 'ok', result: { threads: 'x' } },
      'result.threads',
    ],
    [
      'page not a number',
      () => client().getThreads(),
      { status: 'ok', result: { threads: [], page: 'one' } },
      'result.page',
    ],
    ['history without result', () => client().getHistory(THREAD), { status: 'ok' }, 'result'],
    [
      'a history message with responses not a list',
      () => client().getHistory(THREAD),
      { status: 'ok', result: { history: [{ messages: [{ responses: 'x' }] }] } },
      'result.history[0].messages[0].responses',
    ],
    [
      'trigger events items missing',
      () => client().getTriggerEvents(),
      { status: 'ok', result: {} },
      'result.items',
    ],
    [
      'business hours inside result',
      () => client().getBusinessHours(),
      { status: 'ok', result: { businessHours: [] } },
      'businessHours',
    ],
    [
      'bot status without isPaused',
      () => client().getBotStatus(THREAD),
      { status: 'ok', threadId: THREAD },
      'isPaused',
    ],
    [
      'sync reply messages not a list',
      () => client().sendMessageSync(THREAD, text('hi')),
      { status: 'ok', result: { messages: 1 } },
      'result.messages',
    ],
    ['an ack that is a list', () => client().pause(THREAD), [1, 2], '(root)'],
    ['an ack without status', () => client().pause(THREAD), { ok: true }, 'status'],
  ] as const)('%s → invalid_response', async (_name, call, body, path) => {
    flow.queue({ body })
    const err = await failure(call())
    expect(err.code).toBe('invalid_response')
    expect(err.path).toBe(path)
    expect(err.message).toContain(path)
  })

  it('an answer that is not JSON', async () => {
    flow.queue({ body: '<html>hello</html>', headers: { 'content-type': 'text/html' } })
    const err = await failure(client().getThreads())
    expect(err.code).toBe('invalid_response')
    expect(err.message).toMatch(/not JSON/)
  })
})

describe('retries', () => {
  it('429 with Retry-After in seconds: waits that long, then succeeds', async () => {
    flow.queue({ status: 429, headers: { 'retry-after': '2' }, body: { status: 'error' } })
    await client().getThreads()
    expect(flow.requests).toHaveLength(2)
    expect(sleeps).toEqual([2000])
  })

  it('503 with Retry-After as an HTTP date', async () => {
    const at = new Date(Date.now() + 3000).toUTCString()
    flow.queue({ status: 503, headers: { 'retry-after': at } })
    await client().getHistory(THREAD)
    expect(flow.requests).toHaveLength(2)
    expect(sleeps[0]).toBeGreaterThan(1000)
    expect(sleeps[0]).toBeLessThanOrEqual(3000)
  })

  it('503 twice: exponential back-off with full jitter (base 250 ms, random 0.5)', async () => {
    flow.queue({ status: 503 }, { status: 502 })
    const threads = await client().getThreads()
    expect(threads.page).toBe(1)
    expect(flow.requests).toHaveLength(3)
    expect(sleeps).toEqual([125, 250])
  })

  it('gives up after `retries` and throws the last error', async () => {
    flow.queue({ status: 500 }, { status: 500 }, { status: 503 })
    const err = await failure(client({ retry: { retries: 2 } }).getThreads())
    expect(err).toMatchObject({ code: 'unavailable', status: 503 })
    expect(flow.requests).toHaveLength(3)
  })

  it('caps the back-off at maxDelayMs', async () => {
    flow.queue({ status: 500 }, { status: 500 }, { status: 500 })
    await client({
      random: () => 0.999,
      retry: { retries: 3, baseDelayMs: 1000, maxDelayMs: 1500 },
    }).getThreads()
    expect(sleeps).toEqual([999, 1498, 1498])
  })

  it('does not wait for a Retry-After longer than maxDelayMs: fails with retryAfterMs', async () => {
    flow.queue({ status: 429, headers: { 'retry-after': '120' } })
    const err = await failure(client().getThreads())
    expect(err).toMatchObject({ code: 'rate_limited', status: 429, retryAfterMs: 120_000 })
    expect(flow.requests).toHaveLength(1)
  })

  it('retries a network error (socket dropped)', async () => {
    flow.queue((_req, res) => {
      res.socket?.destroy()
      return 'handled'
    })
    await client().getTriggerEvents()
    expect(flow.requests).toHaveLength(2)
  })

  it('network error without retries: code network, names the host, not the key', async () => {
    const port = await closedPort()
    const err = await failure(
      client({ baseUrl: `http://127.0.0.1:${port}/rest/v1/`, retry: false }).getThreads(),
    )
    expect(err.code).toBe('network')
    expect(err.message).toContain(`127.0.0.1:${port}`)
    expect(err.message).toContain('ECONNREFUSED')
  })

  it.each([400, 401, 403, 404, 408, 409, 413, 422])('never retries %i', async (status) => {
    flow.queue({ status })
    await failure(client({ retry: { retries: 5 } }).getThreads())
    expect(flow.requests).toHaveLength(1)
    expect(sleeps).toEqual([])
  })

  it('never retries a send without traceId', async () => {
    flow.queue({ status: 503 })
    await failure(client().sendMessage(THREAD, text('hi')))
    expect(flow.requests).toHaveLength(1)
  })

  it('retries a send that carries a traceId, with the same body', async () => {
    flow.queue({ status: 503 }, (_req, res) => {
      res.socket?.destroy()
      return 'handled'
    })
    await client().sendMessage(THREAD, text('hi', 'trace-1'))
    expect(flow.requests).toHaveLength(3)
    const bodies = flow.requests.map((r) => r.body.toString('utf8'))
    expect(new Set(bodies).size).toBe(1)
    expect(JSON.parse(bodies[0]!)).toMatchObject({ payload: { traceId: 'trace-1', speech: 'hi' } })
  })

  it('never retries pause, resume, handover, takeover or triggerEvent (no traceId)', async () => {
    const c = client()
    for (const call of [
      () => c.pause(THREAD),
      () => c.resume(THREAD),
      () => c.handover(THREAD, 60),
      () => c.takeover(THREAD),
      () => c.triggerEvent(THREAD, 'MY_EVENT'),
    ]) {
      flow.requests.length = 0
      flow.queue({ status: 503 })
      await failure(call())
      expect(flow.requests).toHaveLength(1)
    }
  })

  it('retry: false sends once', async () => {
    flow.queue({ status: 503 })
    await failure(client({ retry: false }).getThreads())
    expect(flow.requests).toHaveLength(1)
  })
})

describe('timeouts and abort', () => {
  const stall = () => flow.queue(() => new Promise<never>(() => undefined)) // never answers; closed with the server

  it('times out when no answer comes', async () => {
    stall()
    const err = await failure(client({ timeoutMs: 150, retry: false }).getThreads())
    expect(err.code).toBe('timeout')
    expect(err.message).toContain('150 ms')
  })

  it('times out while the answer is still arriving (the timeout covers reading the body)', async () => {
    flow.queue((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('{"status":"ok","result":{"threads":[')
      return 'handled' // and never ends
    })
    const err = await failure(client({ timeoutMs: 200, retry: false }).getThreads())
    expect(err.code).toBe('timeout')
  })

  it('retries a read that timed out', async () => {
    stall()
    await client({ timeoutMs: 150 }).getThreads()
    expect(flow.requests).toHaveLength(2)
  })

  it("clears an attempt's timeout once it is answered, leaving no timer or signal behind", async () => {
    // AbortSignal.timeout held each call's signal, its dependants and a timer for timeoutMs (30 s) after the
    // answer: a relay sending 150 messages a second kept thousands. The client's own timer is cleared instead.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      let timersDuringCall = 0
      const fetch: typeof globalThis.fetch = () => {
        timersDuringCall = vi.getTimerCount()
        return Promise.resolve(Response.json({ status: 'ok' }))
      }
      await client({ fetch, timeoutMs: 30_000, retry: false }).sendMessage(THREAD, text('hi'))
      expect(timersDuringCall).toBe(1)
      expect(vi.getTimerCount()).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })

  /** A fetch that never answers (until its signal aborts), counting the attempts. */
  function silentFetch() {
    const attempts: string[] = []
    const fetch: typeof globalThis.fetch = (input, init) => {
      attempts.push(input instanceof Request ? input.url : input.toString())
      return new Promise((_resolve, reject) => {
        const signal = init?.signal
        signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true })
      })
    }
    return { attempts, fetch }
  }

  it('deadlineMs bounds all attempts together: a silent Flow.ai fails the call with timeout by then', async () => {
    const silent = silentFetch()
    const started = performance.now()
    const err = await failure(
      client({ fetch: silent.fetch, timeoutMs: 10_000, deadlineMs: 300 }).getThreads(),
    )
    expect(err.code).toBe('timeout')
    expect(err.message).toContain('within 300 ms, all attempts included')
    expect(performance.now() - started).toBeLessThan(5000) // without the deadline: 10 s per attempt, 3 attempts
    expect(silent.attempts).toHaveLength(1)
  })

  it('deadlineMs counts the retries: each attempt times out, the next starts, until the deadline', async () => {
    const silent = silentFetch()
    const err = await failure(
      client({ fetch: silent.fetch, timeoutMs: 50, deadlineMs: 400, retry: { retries: 100 } }).getThreads(),
    )
    expect(err.code).toBe('timeout')
    expect(silent.attempts.length).toBeGreaterThanOrEqual(2)
    expect(silent.attempts.length).toBeLessThan(100)
  })

  it('a per-call deadlineMs overrides the client one, and a back-off that would outlast it is not waited', async () => {
    const silent = silentFetch()
    const err = await failure(
      client({ fetch: silent.fetch, timeoutMs: 10_000, deadlineMs: 60_000 }).sendMessage(
        THREAD,
        text('hi', 't1'),
        { deadlineMs: 200 },
      ),
    )
    expect(err.code).toBe('timeout')
    expect(err.message).toContain('within 200 ms')

    flow.queue({ status: 503, headers: { 'retry-after': '2' } })
    const unavailable = await failure(client({ deadlineMs: 1000 }).getThreads())
    expect(unavailable).toMatchObject({ code: 'unavailable', status: 503 })
    expect(sleeps).toEqual([])
    expect(flow.requests).toHaveLength(1)
  })

  it('refuses a deadlineMs that is not a positive number', async () => {
    expect(() => client({ deadlineMs: 0 })).toThrow(/deadlineMs must be a positive number/)
    const err = await failure(client().getThreads(1, { deadlineMs: Number.NaN }))
    expect(err.code).toBe('invalid_input')
    expect(flow.requests).toHaveLength(0)
  })

  it("aborts with the caller's signal, without retrying", async () => {
    stall()
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 50)
    const err = await failure(client().getThreads(1, { signal: controller.signal }))
    expect(err.code).toBe('aborted')
    expect(flow.requests).toHaveLength(1)
  })

  it('an already aborted signal sends nothing', async () => {
    const err = await failure(client().getThreads(1, { signal: AbortSignal.abort() }))
    expect(err.code).toBe('aborted')
  })

  it('aborts during the back-off wait', async () => {
    flow.queue({ status: 503 })
    const controller = new AbortController()
    const c = client({
      sleep: (ms) => {
        sleeps.push(ms)
        controller.abort()
        return new Promise((resolve) => setTimeout(resolve, 10_000))
      },
    })
    const err = await failure(c.getThreads(1, { signal: controller.signal }))
    expect(err.code).toBe('aborted')
    expect(flow.requests).toHaveLength(1)
  })
})

describe('the API key never appears in an error', () => {
  const leaks = (err: FlowError) => {
    const texts = [err.message, JSON.stringify(err), String(err), err.stack ?? '']
    for (let c: unknown = err.cause; c; c = (c as { cause?: unknown }).cause) {
      texts.push(c instanceof Error ? `${c.message} ${c.stack ?? ''}` : (JSON.stringify(c) ?? ''))
    }
    return texts.filter((t) => t.includes(KEY) || t.includes(KEY.slice(3, 20)))
  }

  it.each([
    ['401 echoing the key', () => flow.queue({ status: 401, body: { message: `bad key Bearer ${KEY}` } })],
    ['500 with the key in plain text', () => flow.queue({ status: 500, body: `boom ${KEY} boom` })],
    [
      '429 echoing the key',
      () => flow.queue({ status: 429, headers: { 'retry-after': '999' }, body: { error: KEY } }),
    ],
    [
      'an invalid answer containing the key',
      () => flow.queue({ body: { status: 'ok', result: { threads: KEY } } }),
    ],
    ['a dropped socket', () => flow.queue((_q, res) => (res.socket?.destroy(), 'handled'))],
  ])('%s', async (_name, arrange) => {
    arrange()
    const err = await failure(client({ retry: false }).getThreads())
    expect(leaks(err)).toEqual([])
  })

  it('a key that the 200-character clip would cut, at every offset around it, in an error answer and a status error', async () => {
    // Clipped before redaction, `<185 x> key=<key>` used to end in the key's first characters.
    const c = client({ retry: false })
    for (let pad = 150; pad <= 205; pad++) {
      const said = `${'x'.repeat(pad)} key=${KEY}`
      flow.queue({ status: 500, body: { message: said } })
      flow.queue({ status: 502, body: said })
      flow.queue({ body: { status: 'error', message: said } })
      const errors = [
        await failure(c.getThreads()),
        await failure(c.getThreads()),
        await failure(c.pause(THREAD)),
      ]
      for (const err of errors) {
        expect(err.message, `pad ${pad}`).not.toContain(KEY.slice(0, 4))
        expect(leaks(err)).toEqual([])
      }
    }
  })

  it('a key with a space, split over a line break in the answer, is redacted once the message is on one line', async () => {
    const key = 'ab  cd-0123456789'
    flow.queue({ status: 500, body: { message: `echo ab\n\ncd-0123456789 and ${key}` } })
    const err = await failure(client({ apiKey: key, retry: false }).getThreads())
    expect(err.message).toContain('echo [redacted] and [redacted]')
  })

  it('a timeout, a refused connection and invalid input', async () => {
    flow.queue(() => new Promise<never>(() => undefined))
    const port = await closedPort()
    const errors = await Promise.all([
      failure(client({ retry: false, timeoutMs: 100 }).getThreads()),
      failure(client({ retry: false, baseUrl: `http://127.0.0.1:${port}/` }).getThreads()),
      failure(client().sendMessage(THREAD, text(KEY.repeat(10)))),
    ])
    for (const err of errors) expect(leaks(err)).toEqual([])
  })

  it('a key with a line break is refused without quoting it', () => {
    let thrown: unknown
    try {
      createFlowRestClient({ apiKey: `${KEY}\n`, auth: 'raw' })
    } catch (e) {
      thrown = e
    }
    expect(thrown).toBeInstanceOf(FlowError)
    expect(leaks(thrown as FlowError)).toEqual([])
  })
})

describe('parseRetryAfter', () => {
  it.each([
    ['0', 0],
    ['5', 5000],
    [' 7 ', 7000],
    ['soon', undefined],
    ['-3', undefined],
    [null, undefined],
  ])('%s → %s', (value, ms) => {
    expect(parseRetryAfter(value)).toBe(ms)
  })

  it('reads an HTTP date, and a past one as 0', () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', now)).toBe(30_000)
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now)).toBe(0)
  })
})

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}
