import { describe, expect, it } from 'vitest'
import { EventKind, kindOfType, parseWebhookEvent, WEBHOOK_TYPES, webhookTypeFor } from './webhook.js'

const THREAD = 'a4ad8a025763451da6f15f2b50991651|o_21361542-a262-4aaa-8edb-0f8f88e07d89'
const reply = {
  threadId: THREAD,
  traceId: 'trace-9',
  channelName: 'rest',
  originator: { name: 'Bot', role: 'bot', profile: { picture: 'https://x/bot.png' } },
  createdAt: '2019-06-25T12:45:11.857Z',
  messages: [
    {
      fallback: 'Hello',
      responses: [{ type: 'text', payload: { text: 'Hello', quickReplies: [{ label: 'Hi' }] } }],
      meta: { msgId: 'm1', createdAt: 1561466711857 },
    },
  ],
}
const history = {
  history: [
    {
      originator: { name: 'visitor_abc', role: 'user', profile: {} },
      messages: [{ fallback: 'test', responses: [] }],
    },
  ],
  threadId: THREAD,
  page: 3,
  pages: 10,
}
const businessHours = [
  {
    weekdays: [{ weekday: 'Monday', content: [{ from: '10:00', to: '22:22' }] }],
    holidays: [],
    label: 'BH',
    timezone: '(UTC+03:00) Minsk',
  },
]

/** One body for every type name of both dialects, and what it must decode to. */
const events: [
  type: string,
  dialect: 'current' | 'legacy',
  payload: Record<string, unknown>,
  kind: string,
  data: object,
][] = [
  ['message', 'current', reply, 'reply', { messages: [{ fallback: 'Hello' }] }],
  ['history', 'current', history, 'history', { page: 3, pages: 10 }],
  [
    'threads',
    'current',
    { threads: [THREAD], page: '1', pages: 100 },
    'threads',
    { threads: [THREAD], page: 1 },
  ],
  [
    'trigger.events',
    'current',
    { items: ['EVENT 1', 'EVENT 2'] },
    'triggerEvents',
    { items: ['EVENT 1', 'EVENT 2'] },
  ],
  ['businessHours', 'current', { businessHours }, 'businessHours', { businessHours: [{ label: 'BH' }] }],
  ['paused', 'current', { threadId: THREAD }, 'paused', { threadId: THREAD }],
  ['resumed', 'current', { threadId: THREAD }, 'resumed', { threadId: THREAD }],
  [
    'isPaused',
    'current',
    { threadId: THREAD, isPaued: true },
    'botStatus',
    { threadId: THREAD, isPaused: true },
  ],
  [
    'inbound',
    'current',
    { ...reply, originator: { name: 'Visitor', role: 'external' } },
    'inbound',
    { originator: { role: 'external' } },
  ],
  ['outbound', 'current', reply, 'outbound', { messages: [{ fallback: 'Hello' }] }],
  ['takeover', 'current', { threadId: THREAD }, 'takeover', { threadId: THREAD }],
  ['message.reply', 'legacy', reply, 'reply', { traceId: 'trace-9' }],
  ['message.delivered', 'legacy', { threadId: THREAD, traceId: 1234 }, 'delivered', { traceId: '1234' }],
  [
    'control.handover',
    'legacy',
    { threadId: THREAD, secondsToPause: 600 },
    'handover',
    { secondsToPause: 600 },
  ],
  ['control.pause', 'legacy', { threadId: THREAD }, 'paused', { threadId: THREAD }],
  ['control.resume', 'legacy', { threadId: THREAD }, 'resumed', { threadId: THREAD }],
]

describe('parseWebhookEvent: every event type of both dialects', () => {
  it('the table covers every type name of both references', () => {
    const all = [...Object.keys(WEBHOOK_TYPES.current), ...Object.keys(WEBHOOK_TYPES.legacy)]
    expect(events.map(([type]) => type).sort()).toEqual(all.sort())
  })

  it.each(events)(
    '%s (%s) decodes as the kind in the table, keeping type and raw body',
    (type, dialect, payload, kind, data) => {
      const body = { type, payload }
      const r = parseWebhookEvent(body)
      expect(r.ok).toBe(true)
      if (!r.ok) return
      expect(r.value.kind).toBe(kind)
      expect(r.value.type).toBe(type)
      expect(r.value.raw).toBe(body)
      expect(r.value.issue).toBeUndefined()
      expect(r.value.data).toMatchObject(data)
      expect(kindOfType(type)).toEqual({ kind, dialect })
      expect(webhookTypeFor(kind as EventKind, dialect)).toBeDefined()
      if ('threadId' in payload) expect(r.value.threadId).toBe(THREAD)
    },
  )

  it('reads a `result`-wrapped payload (the shape of sync answers)', () => {
    const r = parseWebhookEvent({ type: 'history', payload: { status: 'ok', result: history } })
    expect(r.ok && r.value).toMatchObject({ kind: 'history', threadId: THREAD, data: { page: 3 } })
  })

  it('reads a flat body (fields beside `type`)', () => {
    const r = parseWebhookEvent({ type: 'control.pause', threadId: THREAD })
    expect(r.ok && r.value).toMatchObject({ kind: 'paused', threadId: THREAD })
  })

  it('a bot status with neither spelling means not paused', () => {
    const r = parseWebhookEvent({ type: 'isPaused', payload: { threadId: THREAD } })
    expect(r.ok && r.value.data).toMatchObject({ isPaused: false })
  })

  it('the same kind maps back to each dialect', () => {
    expect(webhookTypeFor('paused', 'legacy')).toBe('control.pause')
    expect(webhookTypeFor('paused', 'current')).toBe('paused')
    expect(webhookTypeFor('delivered', 'current')).toBeUndefined()
  })
})

describe('unknown and malformed events are kept, never an error', () => {
  it.each(['brand.new', 'message.typing', 'toString', '__proto__', 'constructor'])(
    '%s is unknown, with its body',
    (type) => {
      const body = { type, payload: { threadId: 't1', x: 1 } }
      const r = parseWebhookEvent(body)
      expect(r).toMatchObject({ ok: true, value: { kind: 'unknown', type, threadId: 't1', raw: body } })
    },
  )

  it('a known type whose payload does not fit is unknown, saying why', () => {
    const body = { type: 'message', payload: { threadId: THREAD, messages: 'not a list' } }
    const r = parseWebhookEvent(body)
    expect(r).toMatchObject({
      ok: true,
      value: {
        kind: 'unknown',
        type: 'message',
        raw: body,
        threadId: THREAD,
        issue: 'messages: expected array',
      },
    })
  })

  it.each([
    ['not an object', 'hello', '(root)'],
    ['a list', [1], '(root)'],
    ['null', null, '(root)'],
    ['no type', { payload: {} }, 'type'],
    ['an empty type', { type: '' }, 'type'],
    ['a type too long', { type: 'x'.repeat(201) }, 'type'],
  ])('only a body that is not an event fails: %s', (_name, body, path) => {
    const r = parseWebhookEvent(body)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.issues[0]!.path).toBe(path)
  })

  it('an invalid threadId is left out rather than failing the event', () => {
    const r = parseWebhookEvent({ type: 'brand.new', payload: { threadId: 'a\nb' } })
    expect(r.ok && r.value.threadId).toBeUndefined()
  })

  it('every kind is in the vocabulary', () => {
    expect(Object.keys(EventKind).sort()).toEqual(
      [
        'botStatus',
        'businessHours',
        'delivered',
        'handover',
        'history',
        'inbound',
        'outbound',
        'paused',
        'reply',
        'resumed',
        'takeover',
        'threads',
        'triggerEvents',
        'unknown',
      ].sort(),
    )
  })
})
