// The visitor's light readers against the zod schemas they stand in for: every reference fixture and every
// sample the schemas accept, the light readers accept with the same value; hostile or malformed input is
// refused (or becomes `other`, whose fallback text the UI shows).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import * as z from 'zod/mini'
import type { FixtureEntry } from '../../test/fixtures/extract.js'
import {
  businessHoursAnswerSchema,
  envelopeSchema,
  relayRoutes,
  sendAcceptedSchema,
  sessionSchema,
  streamHelloSchema,
} from '../protocol/index.js'
import { safeParse } from '../schemas/parse.js'
import { threadIdSchema } from '../schemas/primitives.js'
import { readResponse, readTemplate } from '../schemas/read-template.js'
import { businessHoursSchema, historyPageSchema, replySchema } from '../schemas/responses.js'
import { decodeTemplate, responseSchema } from '../schemas/templates.js'
import { kindOfType, parseWebhookEvent } from '../schemas/webhook.js'
import { readHistoryPage, readReply, readThreadEvent } from './read-thread-event.js'
import {
  isThreadId,
  readBusinessHours,
  readEnvelope,
  readHello,
  readSendAccepted,
  readSession,
} from './relay-readers.js'
import * as visitorRoutes from './visitor-routes.js'

const dir = join(import.meta.dirname, '../../test/fixtures')
const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as FixtureEntry[]
const fixture = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>
const zodValue = <S extends z.ZodMiniType>(schema: S, v: unknown): z.output<S> | undefined => {
  const r = safeParse(schema, v)
  return r.ok ? r.value : undefined
}

const hostileText = '<img src=x onerror=alert(1)>'
const templates: unknown[] = [
  { type: 'text', payload: { text: 'Hi' } },
  {
    type: 'text',
    payload: { text: 'Pick', quickReplies: [{ label: 'A' }, { label: 'B', value: 'b', type: 'event' }] },
  },
  { type: 'text', payload: { text: hostileText }, delay: '500' },
  { type: 'text', payload: { text: 'x', quickReplies: [{ value: 'no label' }] } },
  { type: 'text', payload: { text: 'x', quickReplies: 'nope' } },
  { type: 'text', payload: { text: 5 } },
  { type: 'text', payload: 'Hi' },
  { type: 'text' },
  { type: 'image', payload: { url: 'https://example.com/a.png', title: 'A' } },
  { type: 'video', payload: { url: 'javascript:alert(1)', duration: 3 } },
  { type: 'audio', payload: { url: 'https://example.com/a.mp3', duration: 'long' } },
  { type: 'file', payload: { title: 'no url' } },
  { type: 'location', payload: { lat: '52.1', long: 4.3, title: 'Here' } },
  { type: 'location', payload: { lat: '', long: 4.3 } },
  { type: 'location', payload: { lat: 'x'.repeat(65), long: 4.3 } },
  {
    type: 'card',
    payload: {
      title: 'T',
      media: { url: 'https://e.com/i.png' },
      buttons: [{ type: 'url', label: 'Go', value: 'https://e.com' }],
    },
  },
  { type: 'card', payload: { title: 7 } },
  { type: 'card', payload: { buttons: [{ type: 'url' }] } },
  { type: 'buttons', payload: { title: 'B', buttons: [{ type: 'event', label: 'Talk', value: 'TALK' }] } },
  { type: 'buttons', payload: { title: 'B' } },
  { type: 'carousel', payload: { cards: [{ title: 'a' }, { subtitle: 'b', buttons: [] }] } },
  { type: 'carousel', payload: { cards: [{ media: { type: 'image' } }] } },
  {
    type: 'list',
    payload: { items: [{ title: 'a', featured: true }], buttons: [{ type: 'postback', label: 'More' }] },
  },
  { type: 'list', payload: { items: [{ featured: 'yes' }] } },
  { type: 'webview', payload: { url: 'https://e.com' } },
  { type: 'media', payload: { url: 'https://e.com' } },
  { type: 'text', payload: { text: 'x' }, delay: -1 },
  { type: 'text', payload: { text: 'x' }, delay: 'soon' },
]

describe('light template reader', () => {
  it.each(templates.map((t) => [JSON.stringify(t).slice(0, 80), t] as const))('%s', (_name, raw) => {
    const viaZod = zodValue(responseSchema, raw)
    const light = readResponse(raw)
    expect(light).toEqual(viaZod)
    if (!viaZod || !light) return
    const expected = decodeTemplate(viaZod)
    const actual = readTemplate(light)
    expect(actual.type).toBe(expected.type)
    if (expected.type === 'other') expect(actual).toMatchObject({ originalType: expected.originalType })
    else expect(actual).toEqual(expected)
  })

  it('gives back a response without a delay as it is, and copies one whose delay it reads', () => {
    const plain = { type: 'text', payload: { text: 'x' } }
    expect(readResponse(plain)).toBe(plain)
    const timed = { type: 'text', payload: { text: 'x' }, delay: '500' }
    expect(readResponse(timed)).toEqual({ ...timed, delay: 500 })
    expect(timed.delay).toBe('500')
  })

  it('reads a type named like an Object.prototype member as unknown (decodeTemplate throws on these)', () => {
    for (const type of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(readTemplate({ type, payload: {} })).toMatchObject({ type: 'other', originalType: type })
    }
  })

  it('keeps hostile text as text (Lit escapes it when rendering)', () => {
    const t = readTemplate({ type: 'text', payload: { text: hostileText } })
    expect(t).toEqual({ type: 'text', payload: { text: hostileText } })
  })
})

describe('history pages and business hours of the references', () => {
  it.each(index.filter((e) => e.schema === 'historyResponseSchema').map((e) => [e.file, e] as const))(
    '%s',
    (_file, entry) => {
      const page = fixture(entry.file).result
      const expected = zodValue(historyPageSchema, page)
      expect(expected).toBeDefined()
      const light = readHistoryPage(page)
      expect(light?.page).toBe(expected?.page)
      expect(light?.pages).toBe(expected?.pages)
      const templatesOf = (p: typeof light) =>
        p?.history.flatMap((e) => e.messages.flatMap((m) => m.responses.map((r) => r.type)))
      expect(templatesOf(light)).toEqual(templatesOf(expected))
    },
  )

  it.each(index.filter((e) => e.schema === 'businessHoursResponseSchema').map((e) => [e.file, e] as const))(
    '%s, as the relay answers it',
    (_file, entry) => {
      const hours = zodValue(
        z.looseObject({ businessHours: z.array(businessHoursSchema) }),
        fixture(entry.file),
      )
      const body = { ...hours, open: false, nextChangeAt: '2024-01-02T09:00:00.000Z', nextChangeInMs: 60_000 }
      expect(readBusinessHours(body)).toEqual(zodValue(businessHoursAnswerSchema, body))
      // An older relay answers the hours alone: taken, `open` unknown.
      expect(readBusinessHours(hours)).toEqual(hours)
    },
  )

  it('refuses pages and hours that do not fit', () => {
    for (const bad of [
      null,
      [],
      { history: 'x' },
      { history: [{ messages: 'x' }] },
      { history: [], page: 'one' },
    ]) {
      expect(readHistoryPage(bad), JSON.stringify(bad)).toBeUndefined()
      expect(zodValue(historyPageSchema, bad)).toBeUndefined()
    }
    for (const bad of [
      {},
      { businessHours: 'x', open: true },
      { businessHours: [], open: 'yes' },
      { businessHours: [], open: false, nextChangeInMs: 'soon' },
      { businessHours: [], open: false, nextChangeAt: 5 },
    ]) {
      expect(readBusinessHours(bad), JSON.stringify(bad)).toBeUndefined()
      expect(zodValue(businessHoursAnswerSchema, bad), JSON.stringify(bad)).toBeUndefined()
    }
  })
})

const reply = {
  threadId: 't1',
  traceId: 42,
  originator: { name: 'Bot', role: 'bot', profile: { picture: 'https://e.com/p.png' } },
  messages: [
    { fallback: 'Hi', responses: [{ type: 'text', payload: { text: 'Hi' } }], meta: { msgId: 'm1' } },
  ],
}
const bodies: unknown[] = [
  { type: 'message', payload: reply },
  { type: 'message.reply', ...reply },
  { type: 'message', payload: { result: reply } },
  { type: 'message', payload: { ...reply, originator: { name: 5 } } },
  { type: 'message', payload: { ...reply, messages: [{ responses: [{ payload: {} }] }] } },
  { type: 'message', payload: { ...reply, traceId: '' } },
  { type: 'message.delivered', payload: { threadId: 't1', traceId: 'abc' } },
  { type: 'control.pause', payload: { threadId: 't1', secondsToPause: 60 } },
  { type: 'paused', payload: { threadId: 't1', secondsToPause: 'long' } },
  { type: 'control.resume', payload: { threadId: 't1' } },
  { type: 'control.handover', payload: { threadId: 't1', secondsToPause: 600 } },
  { type: 'takeover', payload: { threadId: '..' } },
  { type: 'isPaused', payload: { threadId: 't1', isPaued: true } },
  { type: 'isPaused', payload: { threadId: 't1', isPaused: 'yes' } },
  { type: 'inbound', payload: reply },
  { type: 'threads', payload: { threads: [] } },
  { type: 'something.new', payload: {} },
  { type: 5 },
  'text',
]

describe('light webhook reader of the thread reducer', () => {
  it.each(bodies.map((b) => [JSON.stringify(b).slice(0, 80), b] as const))('%s', (_name, body) => {
    const parsed = parseWebhookEvent(body)
    const folded = new Set([
      'reply',
      'inbound',
      'outbound',
      'delivered',
      'paused',
      'resumed',
      'handover',
      'takeover',
      'botStatus',
    ])
    const expectedKind = parsed.ok && folded.has(parsed.value.kind) ? parsed.value.kind : undefined
    // The envelope's kind, as the relay names it from the body's type.
    const type = (body as { type?: unknown } | null)?.type
    const light = readThreadEvent(body, typeof type === 'string' ? kindOfType(type).kind : 'unknown')
    expect(light?.kind).toBe(expectedKind)
    if (!parsed.ok || !light) return
    if ('traceId' in light) expect(light.traceId).toBe(parsed.value.traceId)
    if ('data' in light) expect(light.data).toEqual(parsed.value.data)
    if ('isPaused' in light)
      expect(light.isPaused).toBe((parsed.value.data as { isPaused: boolean }).isPaused)
  })

  it('reads a reply as the zod schema does', () => {
    expect(readReply(reply)).toEqual(zodValue(replySchema, reply))
  })
})

describe('light readers of the relay answers', () => {
  const cases: [string, z.ZodMiniType, (v: unknown) => unknown, unknown[]][] = [
    [
      'envelope',
      envelopeSchema,
      readEnvelope,
      [
        {
          id: '1-0',
          threadId: 't',
          kind: 'reply',
          type: 'message',
          receivedAt: 'now',
          source: 'webhook',
          body: {},
        },
        { id: '1-0', threadId: null, kind: 'x', type: 'y', receivedAt: 'now', source: 'operator' },
        { id: '1', threadId: 't', kind: 'reply', type: 'message', receivedAt: 'now', source: 'webhook' },
        { id: '1-0', threadId: 5, kind: 'reply', type: 'message', receivedAt: 'now', source: 'webhook' },
        { id: '1-0', threadId: 't', kind: 'reply', type: 'message', receivedAt: 'now', source: 'evil' },
        { id: '1-0', threadId: 't', kind: 1, type: 'message', receivedAt: 'now', source: 'webhook' },
        null,
        [],
      ],
    ],
    [
      'session',
      sessionSchema,
      readSession,
      [
        { threadId: 't1', token: 'x', expiresAt: 'e' },
        { threadId: '', token: 'x', expiresAt: 'e' },
        { threadId: 'a\u0000b', token: 'x', expiresAt: 'e' },
        { threadId: 't1', token: 5, expiresAt: 'e' },
        { threadId: 't1', token: 'x' },
        'x',
      ],
    ],
    [
      'send answer',
      sendAcceptedSchema,
      readSendAccepted,
      [
        { traceId: 'a' },
        { traceId: 'a', eventId: '5-1' },
        { traceId: 'a', eventId: '5' },
        { eventId: '5-1' },
        7,
      ],
    ],
    ['hello', streamHelloSchema, readHello, [{ heartbeatMs: 15000 }, { heartbeatMs: '15000' }, {}, null]],
  ]
  it.each(cases)('%s', (_name, schema, read, values) => {
    for (const v of values) {
      const expected = zodValue(schema, v)
      if (expected === undefined) expect(read(v), JSON.stringify(v)).toBeUndefined()
      else expect(read(v), JSON.stringify(v)).toEqual(expected)
    }
  })

  it('reads thread ids by the rule of threadIdSchema', () => {
    for (const id of [
      't',
      'a|o_b',
      '',
      '.',
      '..',
      '...',
      'a\nb',
      'a\u007fb',
      'a\ud800',
      '\udc00b',
      'a😀',
      'x'.repeat(256),
      'x'.repeat(257),
      5,
    ]) {
      expect(isThreadId(id), JSON.stringify(id)).toBe(safeParse(threadIdSchema, id).ok)
    }
  })

  it('the visitor route references are routes of the table (method and path)', () => {
    const table = new Set(relayRoutes.map((r) => `${r.method} ${r.path}`))
    for (const [name, ref] of Object.entries(visitorRoutes)) {
      expect(table.has(`${ref.method} ${ref.path}`), name).toBe(true)
    }
  })
})
