import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { fixture, startFakeFlow, type FakeFlow } from '../../test/fixtures/flow-server.js'
import type { MessageInput } from '../schemas/index.js'
import { createFlowRestClient } from './rest-client.js'
import type { AuthStyle, FlowRestClient } from './types.js'

/** A thread id as Flow.ai hands them out: it contains `|`, so it must travel URL-encoded. */
const THREAD = 'a4ad8a025763451da6f15f2b50991651|o_21361542-a262-4aaa-8edb-0f8f88e07d89'
const ENCODED = 'a4ad8a025763451da6f15f2b50991651%7Co_21361542-a262-4aaa-8edb-0f8f88e07d89'
const KEY = 'MY_MESSAGING_API_KEY'
const originator = { name: 'John Doe', role: 'external' } as const
const fixturesDir = join(import.meta.dirname, '../../test/fixtures')

type Reference = 'current' | 'older'
const referenceOf: Record<AuthStyle, Reference> = { raw: 'current', bearer: 'older' }

/** The reference's own fixture when it has one (the older reference lacks threads, handover, triggers). */
const example = (ref: Reference, name: string): unknown =>
  fixture(existsSync(join(fixturesDir, ref, name)) ? `${ref}/${name}` : `current/${name}`)

/** A synchronous send's reply, shaped as the README's platform facts describe it (no reference example). */
const syncReply = {
  status: 'ok',
  result: {
    threadId: THREAD,
    traceId: '42',
    channelName: 'rest',
    originator: { name: 'Bot', role: 'bot', profile: { picture: 'https://example.com/bot.png' } },
    createdAt: '2019-06-25T12:45:11.857Z',
    messages: [
      {
        fallback: 'Hi there',
        replyTo: 'Hello',
        responses: [{ type: 'text', payload: { text: 'Hi there', quickReplies: [{ label: 'Yes' }] } }],
        intents: [],
        contexts: [],
        params: {},
        meta: { msgId: 'm1', createdAt: 1561466711857 },
      },
    ],
  },
}

interface Case {
  name: string
  call: (c: FlowRestClient) => Promise<unknown>
  method: 'GET' | 'POST' | 'DELETE'
  /** After `/rest/v1/`, encoded as it must arrive. */
  path: string
  query: string
  /** The exact JSON body expected; undefined: no body at all. */
  body?: (ref: Reference) => unknown
  /** The answer to give (default: the reference's example for the route). */
  answer?: (ref: Reference) => unknown
  /** What the call must resolve to. */
  result?: (ref: Reference) => unknown
}

type WithoutOriginator<M> = M extends unknown ? Omit<M, 'originator'> : never
const message = (m: WithoutOriginator<MessageInput>) => ({ ...m, originator }) as MessageInput
/** The writer sends the argument table's `mimeType`; the media examples spell it `mimetype`. */
const withMimeType = (v: unknown) =>
  JSON.parse(JSON.stringify(v).replace('"mimetype"', '"mimeType"')) as unknown
const result = (v: unknown) => (v as { result: unknown }).result

const cases: Case[] = [
  {
    name: 'sendMessage: text (`speech`)',
    call: (c) => c.sendMessage(THREAD, message({ type: 'text', text: 'Hello' })),
    method: 'POST',
    path: `messages/${ENCODED}`,
    query: '',
    body: (ref) => example(ref, 'post-messages-text.request.json'),
    answer: (ref) => example(ref, 'post-messages-text.response.json'),
    result: () => undefined,
  },
  {
    name: 'sendMessage: event',
    call: (c) => c.sendMessage(THREAD, message({ type: 'event', eventName: 'MY_EVENT' })),
    method: 'POST',
    path: `messages/${ENCODED}`,
    query: '',
    body: (ref) => example(ref, 'post-messages-event.request.json'),
    answer: (ref) => example(ref, 'post-messages-event.response.json'),
  },
  {
    name: 'sendMessage: location (title in the current reference only)',
    call: (c) =>
      c.sendMessage(THREAD, {
        type: 'location',
        lat: '1232122422',
        long: 2433343343,
        ...(c === clients.raw ? { title: 'Example title' } : {}),
        originator,
      }),
    method: 'POST',
    path: `messages/${ENCODED}`,
    query: '',
    body: (ref) => example(ref, 'post-messages-location.request.json'),
    answer: (ref) => example(ref, 'post-messages-location.response.json'),
  },
  {
    name: 'sendMessage: media by URL (`mimeType`)',
    call: (c) =>
      c.sendMessage(THREAD, {
        type: 'media',
        mediaType: 'image',
        mimeType: 'image/png',
        ...(c === clients.raw ? { title: 'Example title' } : {}),
        url: 'https://source.unsplash.com/random/880x400',
        originator,
      }),
    method: 'POST',
    path: `messages/${ENCODED}`,
    query: '',
    body: (ref) => withMimeType(example(ref, 'post-messages-media.request.json')),
    answer: (ref) => example(ref, 'post-messages-media.response.json'),
  },
  {
    name: 'sendMessage: every optional field (traceId, lang, timezone, params, profile, metadata)',
    call: (c) =>
      c.sendMessage(THREAD, {
        type: 'text',
        text: 'hello',
        traceId: 1234,
        lang: 'en',
        timezone: -5,
        params: { plan: ['gold'] },
        originator: {
          ...originator,
          profile: (
            example('current', 'originator-example-2.request.json') as {
              payload: { originator: { profile: Record<string, unknown> } }
            }
          ).payload.originator.profile,
          metadata: { clientNumber: 'asddaasq333ee332', preference: 'A,B,G' },
        },
      }),
    method: 'POST',
    path: `messages/${ENCODED}`,
    query: '',
    body: () => {
      const { payload } = example('current', 'originator-example-2.request.json') as {
        payload: { originator: object }
      }
      return {
        payload: {
          ...payload,
          traceId: 1234,
          lang: 'en',
          timezone: -5,
          params: { plan: ['gold'] },
          originator: {
            ...payload.originator,
            metadata: { clientNumber: 'asddaasq333ee332', preference: 'A,B,G' },
          },
        },
      }
    },
  },
  {
    name: 'sendMessageSync: the reply, parsed',
    call: (c) => c.sendMessageSync(THREAD, message({ type: 'text', text: 'Hello' })),
    method: 'POST',
    path: `messages/${ENCODED}`,
    query: 'sync=true',
    body: (ref) => example(ref, 'post-messages-text.request.json'),
    answer: () => syncReply,
    result: () => ({
      ...syncReply.result,
      messages: [
        {
          ...syncReply.result.messages[0],
          responses: [{ type: 'text', payload: { text: 'Hi there', quickReplies: [{ label: 'Yes' }] } }],
        },
      ],
    }),
  },
  {
    name: 'requestHistory',
    call: (c) => c.requestHistory(THREAD),
    method: 'GET',
    path: `messages/${ENCODED}`,
    query: '',
    answer: (ref) => example(ref, 'get-messages.response.json'),
    result: () => undefined,
  },
  {
    name: 'requestHistory: page 2',
    call: (c) => c.requestHistory(THREAD, 2),
    method: 'GET',
    path: `messages/${ENCODED}`,
    query: 'page=2',
  },
  {
    name: 'getHistory: sync page 3',
    call: (c) => c.getHistory(THREAD, 3),
    method: 'GET',
    path: `messages/${ENCODED}`,
    query: 'sync=true&page=3',
    answer: (ref) => example(ref, 'get-messages-sync.response.json'),
    result: (ref) => result(example(ref, 'get-messages-sync.response.json')),
  },
  {
    name: 'getHistory: sync, first page',
    call: (c) => c.getHistory(THREAD),
    method: 'GET',
    path: `messages/${ENCODED}`,
    query: 'sync=true',
  },
  {
    name: 'requestThreads',
    call: (c) => c.requestThreads(),
    method: 'GET',
    path: 'threads',
    query: 'page=1',
    answer: (ref) => example(ref, 'get-threads.response.json'),
  },
  {
    name: 'getThreads: `page` "1" read as a number',
    call: (c) => c.getThreads(1),
    method: 'GET',
    path: 'threads',
    query: 'sync=true&page=1',
    answer: (ref) => example(ref, 'get-threads-sync.response.json'),
    result: (ref) => ({ ...(result(example(ref, 'get-threads-sync.response.json')) as object), page: 1 }),
  },
  {
    name: 'takeover (deprecated)',
    call: (c) => c.takeover(THREAD),
    method: 'POST',
    path: `takeover/${ENCODED}`,
    query: '',
    body: (ref) => example(ref, 'post-takeover.request.json'),
    answer: (ref) => example(ref, 'post-takeover.response.json'),
  },
  {
    name: 'handover with secondsToPause',
    call: (c) => c.handover(THREAD, 600),
    method: 'POST',
    path: `handover/${ENCODED}`,
    query: '',
    body: (ref) => example(ref, 'post-handover.request.json'),
    answer: (ref) => example(ref, 'post-handover.response.json'),
  },
  {
    name: 'handover without secondsToPause',
    call: (c) => c.handover(THREAD),
    method: 'POST',
    path: `handover/${ENCODED}`,
    query: '',
    body: () => ({}),
  },
  {
    name: 'requestTriggerEvents',
    call: (c) => c.requestTriggerEvents(),
    method: 'GET',
    path: 'trigger/event',
    query: '',
    answer: (ref) => example(ref, 'get-trigger-event.response.json'),
  },
  {
    name: 'getTriggerEvents',
    call: (c) => c.getTriggerEvents(),
    method: 'GET',
    path: 'trigger/event',
    query: 'sync=true',
    answer: (ref) => example(ref, 'get-trigger-event-sync.response.json'),
    result: () => ['EVENT 1', 'EVENT 2', 'EVENT 3'],
  },
  {
    name: 'triggerEvent',
    call: (c) => c.triggerEvent(THREAD, 'MY_EVENT'),
    method: 'POST',
    path: `trigger/event/${ENCODED}`,
    query: 'eventName=MY_EVENT',
    body: (ref) => example(ref, 'post-trigger-event.request.json'),
    answer: (ref) => example(ref, 'post-trigger-event.response.json'),
  },
  {
    name: 'triggerEvent: an event name with spaces and `&` is encoded',
    call: (c) => c.triggerEvent(THREAD, 'EVENT 1 & more'),
    method: 'POST',
    path: `trigger/event/${ENCODED}`,
    query: 'eventName=EVENT%201%20%26%20more',
    body: () => ({}),
  },
  {
    name: 'requestBusinessHours',
    call: (c) => c.requestBusinessHours(),
    method: 'GET',
    path: 'businesshours',
    query: '',
    answer: (ref) => example(ref, 'get-businesshours.response.json'),
  },
  {
    name: 'getBusinessHours: no `result` wrapper',
    call: (c) => c.getBusinessHours(),
    method: 'GET',
    path: 'businesshours',
    query: 'sync=true',
    answer: (ref) => example(ref, 'get-businesshours-sync.response.json'),
    result: (ref) =>
      (example(ref, 'get-businesshours-sync.response.json') as { businessHours: unknown }).businessHours,
  },
  {
    name: 'pause',
    call: (c) => c.pause(THREAD),
    method: 'POST',
    path: `pause/${ENCODED}`,
    query: '',
    body: (ref) => example(ref, 'post-pause.request.json'),
    answer: (ref) => example(ref, 'post-pause.response.json'),
  },
  {
    name: 'resume',
    call: (c) => c.resume(THREAD),
    method: 'DELETE',
    path: `pause/${ENCODED}`,
    query: '',
    body: (ref) => example(ref, 'delete-pause.request.json'),
    answer: (ref) => example(ref, 'delete-pause.response.json'),
  },
  {
    name: 'requestBotStatus',
    call: (c) => c.requestBotStatus(THREAD),
    method: 'GET',
    path: `pause/${ENCODED}`,
    query: '',
    answer: (ref) => example(ref, 'get-pause.response.json'),
  },
  {
    name: 'getBotStatus: `isPaued` read as `isPaused`',
    call: (c) => c.getBotStatus(THREAD),
    method: 'GET',
    path: `pause/${ENCODED}`,
    query: 'sync=true',
    answer: (ref) => example(ref, 'get-pause-sync.response.json'),
    result: () => ({ status: 'ok', isPaused: false, threadId: '6ecfd199-853a-448f-9f91-ef397588ff87' }),
  },
]

let flow: FakeFlow
const clients = {} as Record<AuthStyle, FlowRestClient>

beforeAll(async () => {
  flow = await startFakeFlow()
  for (const auth of ['raw', 'bearer'] as const) {
    clients[auth] = createFlowRestClient({ apiKey: KEY, auth, baseUrl: flow.baseUrl, retry: false })
  }
})
afterAll(() => flow.close())
beforeEach(() => {
  flow.requests.length = 0
})

describe.each([
  ['raw', `${KEY}`],
  ['bearer', `Bearer ${KEY}`],
] as const)('every endpoint, auth %s', (auth, authorization) => {
  const ref = referenceOf[auth]
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const answer = c.answer?.(ref)
    if (answer !== undefined) flow.queue({ body: answer })
    const value = await c.call(clients[auth])

    expect(flow.requests).toHaveLength(1)
    const [req] = flow.requests
    expect(req!.method).toBe(c.method)
    expect(req!.path).toBe(`/rest/v1/${c.path}`)
    expect(req!.query).toBe(c.query)
    expect(req!.headers.authorization).toBe(authorization)
    expect(req!.headers.accept).toBe('application/json')
    if (c.body) {
      expect(req!.headers['content-type']).toBe('application/json')
      expect(JSON.parse(req!.body.toString('utf8'))).toStrictEqual(c.body(ref))
    } else {
      expect(req!.headers['content-type']).toBeUndefined()
      expect(req!.body.length).toBe(0)
    }
    if (c.result) expect(value).toStrictEqual(c.result(ref))
    else if (!c.query.includes('sync=true'))
      expect(value).toBeUndefined() // async calls resolve on the ack
    else expect(value).toBeTypeOf('object')
  })
})

describe("the references' own payloads, as a JavaScript caller copies them", () => {
  // Every example spells the text `speech` and the media examples `mimetype`: a caller who passes such a payload
  // (plain JavaScript, or a message read from JSON) gets the documented wire form, not a refusal naming the field
  // it gave, nor a MIME type dropped without a word.
  it.each([
    ['text (`speech`)', 'post-messages-text.request.json'],
    ['media (`mimetype`)', 'post-messages-media.request.json'],
    ['the browser example: text (`speech`)', 'browser-example-text.request.json'],
  ])('%s', async (_name, file) => {
    for (const ref of ['current', 'older'] as const) {
      flow.requests.length = 0
      const { payload } = example(ref, file) as { payload: MessageInput }
      await clients.raw.sendMessage(THREAD, payload)
      expect(JSON.parse(flow.requests[0]!.body.toString('utf8')), ref).toStrictEqual(
        withMimeType(example(ref, file)),
      )
    }
  })
})

describe('base URL and thread ids', () => {
  it('sends to the default base URL of the references', async () => {
    const seen: string[] = []
    const client = createFlowRestClient({
      apiKey: KEY,
      auth: 'raw',
      fetch: (input) => {
        seen.push(input instanceof Request ? input.url : input.toString())
        return Promise.resolve(new Response('{"status":"ok"}'))
      },
    })
    await client.pause('6ecfd199-853a-448f-9f91-ef397588ff87')
    expect(seen).toEqual(['https://api.flow.ai/rest/v1/pause/6ecfd199-853a-448f-9f91-ef397588ff87'])
  })

  it('keeps a base path without a trailing slash', async () => {
    const client = createFlowRestClient({ apiKey: KEY, auth: 'raw', baseUrl: flow.baseUrl.slice(0, -1) })
    await client.requestBotStatus(THREAD)
    expect(flow.requests[0]!.path).toBe(`/rest/v1/pause/${ENCODED}`)
  })

  it('encodes every reserved character of a thread id', async () => {
    await clients.raw.pause('a/b?c#d|e %')
    expect(flow.requests[0]!.path).toBe('/rest/v1/pause/a%2Fb%3Fc%23d%7Ce%20%25')
  })

  it('resolves an async call on an empty 2xx answer too', async () => {
    flow.queue({ status: 204 })
    await expect(clients.raw.pause(THREAD)).resolves.toBeUndefined()
  })

  it('reads a sync reply given beside `status` rather than in `result`', async () => {
    flow.queue({ body: { status: 'ok', ...syncReply.result } })
    const reply = await clients.raw.sendMessageSync(THREAD, message({ type: 'text', text: 'Hi' }))
    expect(reply.threadId).toBe(THREAD)
    expect(reply.messages[0]!.responses[0]!.type).toBe('text')
  })
})
