import { describe, expect, it } from 'vitest'
import { historyPageSchema } from '../schemas/responses.js'
import { safeParse } from '../schemas/parse.js'
import { buildSend } from './build-send.js'
import { mergeMessages } from './merge-messages.js'
import { readHistoryPage } from './read-thread-event.js'
import { messageFromSent, messagesFromHistory } from './to-chat-messages.js'
import type { ChatMessage } from './types.js'

const texts = (message: ChatMessage | undefined) =>
  message?.templates.map((t) => (t.type === 'text' ? t.payload.text : `(${t.type})`))

describe("a visitor's event", () => {
  it('shows its event name in the sending tab, in other tabs and after a reload', () => {
    const built = buildSend(
      { type: 'event', eventName: 'WELCOME' },
      { traceId: 'tr1', now: 1, self: 'visitor' },
    )
    if ('error' in built) throw new Error(built.error)
    const sent = messageFromSent(
      {
        id: '1-0',
        threadId: 't1',
        kind: 'sent',
        type: 'event',
        receivedAt: '2026-01-01T00:00:00.000Z',
        source: 'visitor',
        body: { payload: built.body },
      },
      'agent',
    )
    // History keeps the visitor's event as an `event` response (how Flow.ai and the emulator store it).
    const page = safeParse(historyPageSchema, {
      history: [
        {
          originator: { name: 'visitor', role: 'external' },
          messages: [
            { fallback: 'WELCOME', responses: [{ type: 'event', payload: { eventName: 'WELCOME' } }] },
          ],
        },
      ],
    })
    if (!page.ok) throw new Error(page.error)
    const reloaded = messagesFromHistory(page.value, 'visitor')[0]?.message

    expect(texts(built.message)).toEqual(['WELCOME'])
    expect(texts(sent?.message)).toEqual(['WELCOME'])
    expect(texts(reloaded)).toEqual(['WELCOME'])
  })

  it('shows its label, when it has one, in the sending tab, in other tabs and after a reload', () => {
    const built = buildSend(
      { type: 'event', eventName: 'SHOW_MENU', label: ' Show me the menu ' },
      { traceId: 'tr2', now: 1, self: 'visitor' },
    )
    if ('error' in built) throw new Error(built.error)
    expect(built.body).toMatchObject({ type: 'event', eventName: 'SHOW_MENU', label: 'Show me the menu' })
    // The relay's `sent` event carries the label on its payload; its history route puts it back on the event.
    const sent = messageFromSent(
      {
        id: '1-0',
        threadId: 't1',
        kind: 'sent',
        type: 'event',
        receivedAt: '2026-01-01T00:00:00.000Z',
        source: 'visitor',
        body: {
          payload: { type: 'event', eventName: 'SHOW_MENU', label: 'Show me the menu', traceId: 'tr2' },
        },
      },
      'agent',
    )
    const page = safeParse(historyPageSchema, {
      history: [
        {
          originator: { name: 'visitor', role: 'external' },
          messages: [
            {
              responses: [{ type: 'event', payload: { eventName: 'SHOW_MENU', label: 'Show me the menu' } }],
            },
            // An event the relay could not match keeps its name, and an empty label never empties the bubble.
            { responses: [{ type: 'event', payload: { eventName: 'SHOW_MENU', label: '' } }] },
          ],
        },
      ],
    })
    if (!page.ok) throw new Error(page.error)
    const reloaded = messagesFromHistory(page.value, 'visitor').map((m) => texts(m.message))

    expect(texts(built.message)).toEqual(['Show me the menu'])
    expect(texts(sent?.message)).toEqual(['Show me the menu'])
    expect(reloaded).toEqual([['Show me the menu'], ['SHOW_MENU']])
  })

  it('names an over-long label, and drops a blank one', () => {
    const context = { traceId: 'tr3', now: 1, self: 'visitor' as const }
    expect(buildSend({ type: 'event', eventName: 'E', label: 'x'.repeat(256) }, context)).toEqual({
      error: 'label: must be at most 255 characters',
    })
    const blank = buildSend({ type: 'event', eventName: 'E', label: '  ' }, context)
    if ('error' in blank) throw new Error(blank.error)
    // The body goes out as JSON (request and outbox): no label there.
    expect(JSON.parse(JSON.stringify(blank.body))).not.toHaveProperty('label')
    expect(texts(blank.message)).toEqual(['E'])
  })

  it('leaves other unknown responses to the fallback text', () => {
    const page = safeParse(historyPageSchema, {
      history: [
        { messages: [{ fallback: 'A form', responses: [{ type: 'form', payload: { eventName: 1 } }] }] },
      ],
    })
    if (!page.ok) throw new Error(page.error)
    expect(messagesFromHistory(page.value, 'visitor')[0]?.message.templates[0]?.type).toBe('other')
  })
})

describe('a built send', () => {
  const wire = (body: unknown) => JSON.parse(JSON.stringify(body)) as unknown

  it("carries the visitor's name and profile as its originator, and shows them on its message", () => {
    const visitor = { name: 'Ann', profile: { picture: 'https://x.test/a.png' } }
    const built = buildSend({ type: 'text', text: 'Hi' }, { traceId: 't1', now: 5, self: 'visitor', visitor })
    if ('error' in built) throw new Error(built.error)
    expect(wire(built.body)).toEqual({ type: 'text', text: 'Hi', traceId: 't1', originator: visitor })
    expect(built.message).toMatchObject({
      sender: 'visitor',
      senderName: 'Ann',
      avatarUrl: visitor.profile.picture,
    })
    const nameless = buildSend(
      { type: 'text', text: 'Hi' },
      { traceId: 't2', now: 5, self: 'visitor', visitor: { name: '' } },
    )
    if ('error' in nameless) throw new Error(nameless.error)
    expect(wire(nameless.body)).toEqual({ type: 'text', text: 'Hi', traceId: 't2' })
  })

  it('sends an upload as a media message with its title, and shows a pending preview titled alike', () => {
    const file = new File(['x'], 'cat.png', { type: 'image/png' })
    const built = buildSend({ type: 'upload', file }, { traceId: 't3', now: 5, self: 'visitor' })
    if ('error' in built) throw new Error(built.error)
    expect(wire(built.body)).toEqual({
      type: 'media',
      mediaType: 'image',
      mimeType: 'image/png',
      title: 'cat.png',
      traceId: 't3',
    })
    expect(built.upload?.file).toBe(file)
    expect(built.message).toMatchObject({ fallback: 'cat.png', progress: 0, state: 'pending', own: true })
    expect(built.message.templates).toEqual([{ type: 'image', payload: { url: '', title: 'cat.png' } }])
  })
})

describe('a sent envelope', () => {
  const sent = (payload: Record<string, unknown>, self: 'visitor' | 'agent' = 'visitor') =>
    messageFromSent(
      {
        id: '9-0',
        threadId: 't1',
        kind: 'sent',
        type: 'media',
        receivedAt: '2026-01-01T00:00:00.000Z',
        source: 'visitor',
        body: { payload },
      },
      self,
    )

  it('is an upload titled by its title or "file", with the traceId (a number read as a string) as its id', () => {
    const upload = sent({ type: 'media', mediaType: 'image', title: 'cat.png', traceId: 42 })
    expect(upload).toMatchObject({ echoOf: '42', message: { id: '42', traceId: '42', fallback: 'cat.png' } })
    expect(upload?.message).toMatchObject({ own: true, state: 'sent', sender: 'visitor' })
    expect(sent({ type: 'media', mediaType: 'file' })?.message).toMatchObject({ id: '9-0', fallback: 'file' })
  })

  it("is another side's message without a send state, and a linked media has no fallback", () => {
    const media = sent(
      { type: 'media', mediaType: 'image', url: 'https://x.test/a.png', traceId: 't' },
      'agent',
    )
    expect(media?.message.own).toBe(false)
    expect(media?.message.state).toBeUndefined()
    expect(media?.message.fallback).toBeUndefined()
  })
})

describe('a history page', () => {
  it('reads a visitor message the relay paired with its send as a record of that send (its traceId)', () => {
    const raw = {
      history: [
        {
          originator: { name: 'Ann', role: 'user' },
          messages: [
            {
              responses: [{ type: 'text', payload: { text: 'hi' } }],
              meta: { msgId: 'f1', createdAt: 1_767_225_600_000, traceId: 'tr1' },
            },
            { responses: [{ type: 'text', payload: { text: 'again' } }], meta: { msgId: 'f2' } },
          ],
        },
      ],
    }
    // The schema (the relay's check) and the browser's light reader both keep the relay's field.
    const parsed = safeParse(historyPageSchema, raw)
    if (!parsed.ok) throw new Error(parsed.error)
    for (const page of [parsed.value, readHistoryPage(raw)!]) {
      const [paired, alone] = messagesFromHistory(page, 'visitor')
      expect(paired).toMatchObject({
        message: { id: 'f1', traceId: 'tr1', own: true, state: 'delivered' },
        echoOf: 'tr1',
        fromHistory: true,
      })
      expect(alone?.message).toMatchObject({ id: 'f2', own: true, state: 'delivered' })
      expect(alone?.message.traceId).toBeUndefined()
      expect(alone?.echoOf).toBeUndefined()
    }
  })

  it('declares meta.traceId: read as a string, and a malformed one dropped without failing the page', () => {
    const message = (traceId: unknown) => ({ responses: [], meta: { msgId: 'f1', traceId } })
    const parsed = safeParse(historyPageSchema, { history: [{ messages: [message(42), message('')] }] })
    if (!parsed.ok) throw new Error(parsed.error)
    const [numeric, empty] = parsed.value.history[0]!.messages
    expect(numeric!.meta?.traceId).toBe('42')
    expect(empty!.meta).toEqual({ msgId: 'f1' })
  })

  it("never reads a bot's message as the record of a send, so it cannot swallow the send it answers", () => {
    const page = {
      history: [
        {
          originator: { name: 'Ann', role: 'user' },
          messages: [
            { responses: [{ type: 'text', payload: { text: 'hi' } }], meta: { msgId: 'f1', traceId: 'tr1' } },
          ],
        },
        {
          originator: { name: 'Bot', role: 'bot' },
          messages: [
            {
              responses: [{ type: 'text', payload: { text: 'hello' } }],
              meta: { msgId: 'f2', traceId: 'tr1' },
            },
          ],
        },
      ],
    }
    const [asked, answer] = messagesFromHistory(page, 'visitor')
    expect(asked?.echoOf).toBe('tr1')
    expect(answer?.echoOf).toBeUndefined()
    const merged = mergeMessages({ messages: [] as ChatMessage[], aliases: {}, localTime: {} }, [
      asked!,
      answer!,
    ])
    expect(merged.messages.map((m) => m.sender)).toEqual(['visitor', 'bot'])
  })
})
