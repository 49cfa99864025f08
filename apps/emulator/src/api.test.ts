import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  botStatusResponseSchema,
  businessHoursResponseSchema,
  historyResponseSchema,
  parseWebhookEvent,
  replySchema,
  safeParse,
  threadsResponseSchema,
  triggerEventsResponseSchema,
  type Dialect,
} from '@flowchat/core/schemas'
import { startEmulator, type Emulator } from './index.js'
import { client, text, type Style } from './testing/client.js'
import {
  EXAMPLE_CHANNEL_THREAD,
  EXAMPLE_THREAD,
  HANDOVER_EXAMPLE,
  MESSAGE_EXAMPLES,
} from './testing/reference-examples.js'
import { startReceiver, type Receiver } from './testing/webhook-receiver.js'

const retry = { baseDelayMs: 10, maxDelayMs: 50, timeoutMs: 500 }

/** The decoded kinds of the webhook POSTs received so far. */
const kinds = (receiver: Receiver) =>
  receiver.posts().map((p) => {
    const r = parseWebhookEvent(p.json)
    return r.ok ? r.value.kind : 'invalid'
  })

describe.each<[Dialect, Style]>([
  ['current', 'raw'],
  ['legacy', 'bearer'],
  ['current', 'bearer'],
  ['legacy', 'raw'],
])('every endpoint, %s dialect, %s auth', (dialect, style) => {
  let emulator: Emulator
  let receiver: Receiver
  let api: ReturnType<typeof client>
  beforeAll(async () => {
    receiver = await startReceiver()
    emulator = await startEmulator({ dialect, retry, webhooks: [receiver.url] })
    api = client(emulator, style)
  })
  // Each test counts the POSTs it caused: let the previous test's deliveries finish first.
  beforeEach(() => emulator.idle())
  afterAll(async () => {
    await emulator.close()
    await receiver.close()
  })

  it('probes the webhook with GET when registered', () => {
    expect(receiver.requests[0]).toMatchObject({ method: 'GET', path: '/hook' })
  })

  it.each(MESSAGE_EXAMPLES)('accepts the reference example: $name', async ({ body }) => {
    const res = await api.call('POST', `messages/${EXAMPLE_THREAD}`, body)
    expect(res).toMatchObject({ status: 200, json: { status: 'ok' } })
  })

  it('answers a text message with a reply webhook of the dialect, typed and parseable', async () => {
    const before = receiver.posts().length
    const res = await api.send('dialect-1', text('hello there', { traceId: 42 }))
    expect(res.json).toEqual({ status: 'ok' })
    await emulator.idle()
    const posts = receiver.posts().slice(before)
    const types = posts.map((p) => p.json.type as string)
    expect(types).toContain(dialect === 'current' ? 'message' : 'message.reply')
    if (dialect === 'legacy') {
      expect(types[0]).toBe('message.delivered')
      expect(posts[0]!.json.payload).toEqual({ threadId: 'dialect-1', traceId: '42' })
    } else expect(types).not.toContain('message.delivered')
    const reply = posts.find((p) => p.json.type !== 'message.delivered')!
    const parsed = parseWebhookEvent(reply.json)
    expect(parsed.ok && parsed.value.kind).toBe('reply')
    expect(reply.json.payload).toMatchObject({
      threadId: 'dialect-1',
      traceId: '42',
      channelName: 'rest',
      originator: { role: 'bot' },
      messages: [
        { replyTo: 'hello there', meta: { msgId: expect.any(String), createdAt: expect.any(Number) } },
      ],
    })
    expect(safeParse(replySchema, reply.json.payload).ok).toBe(true)
  })

  it('sends a message with sync=true and gets the reply in the answer', async () => {
    const res = await api.send('sync-1', text('image'), '?sync=true')
    expect(res.status).toBe(200)
    const reply = safeParse(replySchema, res.json)
    expect(reply.ok && reply.value.messages[0]?.responses[0]?.type).toBe('image')
  })

  it('serves history, threads, trigger events, business hours and bot status, sync and as webhooks', async () => {
    const thread = EXAMPLE_CHANNEL_THREAD
    await api.send(thread, text('hi'))
    await emulator.idle()
    const path = encodeURIComponent(thread)

    const history = await api.get(`messages/${path}?sync=true&page=1`)
    const h = safeParse(historyResponseSchema, history.json)
    expect(h.ok && h.value.result).toMatchObject({ threadId: thread, page: 1, pages: 1 })
    expect(h.ok && h.value.result.history[0]?.originator?.role).toBe('user')

    const threads = await api.get('threads?sync=true&page=1')
    expect(threads.json.result.page).toBe('1')
    const t = safeParse(threadsResponseSchema, threads.json)
    expect(t.ok && t.value.result.threads).toContain(thread)

    const events = await api.get('trigger/event?sync=true')
    const e = safeParse(triggerEventsResponseSchema, events.json)
    expect(e.ok && e.value.result.items.length).toBeGreaterThan(0)

    const hours = await api.get('businesshours?sync=true')
    expect(hours.json.result).toBeUndefined()
    expect(safeParse(businessHoursResponseSchema, hours.json).ok).toBe(true)

    const status = await api.get(`pause/${path}?sync=true`)
    expect(status.json).toEqual({ status: 'ok', isPaued: false, threadId: thread })
    expect(safeParse(botStatusResponseSchema, status.json).ok).toBe(true)

    const before = receiver.posts().length
    for (const p of [
      `messages/${path}`,
      'threads?page=1',
      'trigger/event',
      'businesshours',
      `pause/${path}`,
    ]) {
      expect((await api.get(p)).json).toEqual({ status: 'ok' })
    }
    await emulator.idle()
    const got = receiver.posts().slice(before)
    expect(got.map((p) => parseWebhookEvent(p.json)).map((r) => r.ok && r.value.kind)).toEqual([
      'history',
      'threads',
      'triggerEvents',
      'businessHours',
      'botStatus',
    ])
    expect(got[0]!.json.payload).toMatchObject({ threadId: thread, page: 1, pages: 1 })
    expect(got[4]!.json.payload).toEqual({ isPaued: false, threadId: thread })
  })

  it('pauses, reports, resumes, hands over and takes over', async () => {
    const thread = 'control-1'
    const before = receiver.posts().length
    expect((await api.post(`pause/${thread}`, {})).json).toEqual({ status: 'ok' })
    expect((await api.get(`pause/${thread}?sync=true`)).json.isPaued).toBe(true)
    expect(emulator.thread(thread)?.paused).toBe(true)
    expect((await api.del(`pause/${thread}`)).json).toEqual({ status: 'ok' })
    expect((await api.get(`pause/${thread}?sync=true`)).json.isPaued).toBe(false)
    expect((await api.post(`handover/${thread}`, HANDOVER_EXAMPLE)).json).toEqual({ status: 'ok' })
    expect(emulator.thread(thread)?.pausedUntil).toBeGreaterThan(Date.now())
    expect((await api.post(`takeover/${thread}`, {})).json).toEqual({ status: 'ok' })
    expect(emulator.thread(thread)).toMatchObject({ paused: true, pausedUntil: undefined })
    expect((await api.post(`trigger/event/${thread}?eventName=MY_EVENT`, {})).json).toEqual({ status: 'ok' })
    await emulator.idle()
    const got = receiver.posts().slice(before)
    const types = got.map((p) => p.json.type as string)
    expect(types).toEqual(
      dialect === 'current'
        ? ['paused', 'resumed', 'paused', 'takeover']
        : ['control.pause', 'control.resume', 'control.handover', 'takeover'],
    )
    expect(got[2]!.json.payload).toEqual({ threadId: thread, secondsToPause: 600 })
    // The triggered event got no bot reply: the thread was taken over.
    expect(kinds(receiver)).not.toContain('invalid')
  })

  it('triggers an event that the bot answers', async () => {
    const before = receiver.posts().length
    await api.post('trigger/event/trigger-1?eventName=WELCOME', {})
    await emulator.idle()
    const reply = receiver
      .posts()
      .slice(before)
      .find((p) => p.json.payload.messages)
    expect(reply?.json.payload.messages[0].fallback).toBe('Received the event WELCOME.')
  })
})
