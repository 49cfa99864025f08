import { describe, expect, it } from 'vitest'
import { historyPageSchema } from '../schemas/responses.js'
import { safeParse } from '../schemas/parse.js'
import { buildSend } from './build-send.js'
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
