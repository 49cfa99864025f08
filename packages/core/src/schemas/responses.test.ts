import { describe, expect, it } from 'vitest'
import { safeParse } from './parse.js'
import {
  ackSchema,
  botStatusResponseSchema,
  businessHoursResponseSchema,
  errorBodySchema,
  historyResponseSchema,
  replySchema,
  threadCreatedSchema,
  threadsResponseSchema,
  triggerEventsResponseSchema,
} from './responses.js'

const history = {
  status: 'ok',
  result: {
    history: [
      {
        originator: { name: 'visitor_abc', role: 'user', profile: {} },
        messages: [
          {
            fallback: 'test',
            replyTo: null,
            contexts: [],
            params: {},
            intents: [],
            createdAt: '2019-06-25T12:45:11.857Z',
            responses: [{ type: 'text', payload: { text: 'test' } }],
          },
        ],
      },
    ],
    threadId: '6ecfd199-853a-448f-9f91-ef397588ff87',
    page: 3,
    pages: 10,
  },
}

describe('every response of both references', () => {
  it.each([
    ['the ack', ackSchema, { status: 'ok' }, { status: 'ok' }],
    [
      'history: page and pages as numbers',
      historyResponseSchema,
      history,
      { result: { page: 3, pages: 10 } },
    ],
    [
      'history: page as strings too',
      historyResponseSchema,
      { status: 'ok', result: { ...history.result, page: '3', pages: '10' } },
      { result: { page: 3, pages: 10 } },
    ],
    [
      'history: a message without responses gets []',
      historyResponseSchema,
      { status: 'ok', result: { history: [{ messages: [{ fallback: 'x' }] }] } },
      { result: { history: [{ messages: [{ fallback: 'x', responses: [] }] }] } },
    ],
    [
      'threads: `page` as the string "1", `pages` as a number',
      threadsResponseSchema,
      { status: 'ok', result: { threads: ['a|o_b'], page: '1', pages: 100 } },
      { result: { threads: ['a|o_b'], page: 1, pages: 100 } },
    ],
    [
      'threads: `page` as a number',
      threadsResponseSchema,
      { status: 'ok', result: { threads: [], page: 2, pages: 2 } },
      { result: { page: 2 } },
    ],
    [
      'trigger events',
      triggerEventsResponseSchema,
      { status: 'ok', result: { items: ['EVENT 1', 'EVENT 2'] } },
      { result: { items: ['EVENT 1', 'EVENT 2'] } },
    ],
    [
      'business hours: no `result` wrapper',
      businessHoursResponseSchema,
      {
        status: 'ok',
        businessHours: [
          {
            weekdays: [{ weekday: 'Monday', content: [{ from: '0:20', to: '4:19' }] }],
            holidays: [{ holiday: 'New Year', date: '2019-12-31T00:00:00.000Z' }],
            label: 'test BH',
            timezone: '(UTC+03:00) Minsk',
          },
        ],
      },
      { businessHours: [{ label: 'test BH', weekdays: [{ weekday: 'Monday' }] }] },
    ],
    [
      'business hours: missing weekdays and holidays default to []',
      businessHoursResponseSchema,
      { status: 'ok', businessHours: [{ label: 'x' }] },
      { businessHours: [{ label: 'x', weekdays: [], holidays: [] }] },
    ],
    [
      'bot status: `isPaued` (sic) read as isPaused',
      botStatusResponseSchema,
      { status: 'ok', isPaued: true, threadId: 't1' },
      { isPaused: true, threadId: 't1' },
    ],
    [
      'bot status: `isPaused` read too',
      botStatusResponseSchema,
      { status: 'ok', isPaused: false, threadId: 't1' },
      { isPaused: false },
    ],
    ['thread id creation', threadCreatedSchema, { status: 'ok', threadId: 'a|o_b' }, { threadId: 'a|o_b' }],
    [
      'an error body',
      errorBodySchema,
      { status: 'error', message: 'Invalid token' },
      { message: 'Invalid token' },
    ],
    [
      'a sync reply',
      replySchema,
      {
        threadId: 't1',
        traceId: 42,
        channelName: 'rest',
        originator: { name: 'Bot', role: 'bot', profile: { picture: 'https://x/p.png' } },
        createdAt: '2019-06-25T12:45:11.857Z',
        messages: [
          {
            fallback: 'Hi',
            responses: [{ type: 'text', payload: { text: 'Hi' } }],
            meta: { msgId: 'm', createdAt: 1 },
          },
        ],
      },
      { traceId: '42', originator: { role: 'bot' }, messages: [{ meta: { createdAt: 1 } }] },
    ],
    ['extra fields are kept', ackSchema, { status: 'ok', extra: [1] }, { extra: [1] }],
  ])('%s', (_name, schema, body, expected) => {
    const r = safeParse(schema, body)
    expect(r.ok ? 'ok' : r.error).toBe('ok')
    if (r.ok) expect(r.value).toMatchObject(expected)
  })

  it('the bot status output never carries `isPaued`', () => {
    const r = safeParse(botStatusResponseSchema, { status: 'ok', isPaued: true })
    expect(r.ok && Object.keys(r.value)).not.toContain('isPaued')
  })

  it.each([
    [
      'threads page "one"',
      threadsResponseSchema,
      { status: 'ok', result: { threads: [], page: 'one' } },
      'result.page',
    ],
    [
      'threads not a list',
      threadsResponseSchema,
      { status: 'ok', result: { threads: {} } },
      'result.threads',
    ],
    ['history without result', historyResponseSchema, { status: 'ok' }, 'result'],
    ['bot status without either spelling', botStatusResponseSchema, { status: 'ok' }, 'isPaused'],
    [
      'business hours weekday without name',
      businessHoursResponseSchema,
      { status: 'ok', businessHours: [{ weekdays: [{}] }] },
      'businessHours[0].weekdays[0].weekday',
    ],
    ['an ack without status', ackSchema, {}, 'status'],
  ])('rejects %s', (_name, schema, body, path) => {
    const r = safeParse(schema, body)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.issues[0]!.path).toBe(path)
  })
})
