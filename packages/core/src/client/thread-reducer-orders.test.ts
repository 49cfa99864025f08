// Two tabs of one visitor converge on one transcript whatever order a send's records reach them in: every order
// of a two-send conversation, with a history page read while the second send was under way.
import { describe, expect, it } from 'vitest'
import type { EventEnvelope } from '../protocol/index.js'
import { threadReducer } from './thread-reducer.js'
import { initialThreadState, type ThreadState, type ThreadStateAction } from './thread-state.js'

const T = 't1|o_c1'
/** Realistic epoch ms: small numbers would read as epoch seconds. */
const BASE = 1_732_170_000_000
const ann = { name: 'Ann', role: 'external' }
const bot = { name: 'Bot', role: 'bot' }

/** One thing the stream delivers, before it has its place (and so its id) in an order. */
type Event = Omit<EventEnvelope, 'id' | 'threadId'>

const at = (ms: number) => new Date(BASE + ms).toISOString()
const textMessage = (text: string, msgId: string, ms: number) => ({
  fallback: text,
  responses: [{ type: 'text', payload: { text } }],
  meta: { msgId, createdAt: BASE + ms },
})
/** The relay's `sent` echo of a send, stored when Flow.ai acked it. */
const sent = (traceId: string, text: string, ms: number): Event => ({
  kind: 'sent',
  type: 'text',
  receivedAt: at(ms),
  source: 'visitor',
  body: { payload: { type: 'text', speech: text, traceId, originator: ann } },
})
/** A `message` webhook: Flow.ai's record of the visitor's message (originator Ann), or the bot's answer. */
const reply = (traceId: string, msgId: string, text: string, ms: number, originator = bot): Event => ({
  kind: 'reply',
  type: 'message',
  receivedAt: at(ms),
  source: 'webhook',
  body: {
    type: 'message',
    payload: { threadId: T, traceId, originator, messages: [textMessage(text, msgId, ms)] },
  },
})

// Send 1 ("hi", traceId tr1) and send 2 ("yes", tr2): each has the relay's echo, Flow.ai's record and the answer.
const stream: Record<string, Event> = {
  echo1: sent('tr1', 'hi', 1500),
  record1: reply('tr1', 'f1', 'hi', 1400, ann),
  answer1: reply('tr1', 'm1', 'Hello Ann', 2000),
  echo2: sent('tr2', 'yes', 3500),
  record2: reply('tr2', 'f2', 'yes', 3400, ann),
  answer2: reply('tr2', 'm2', 'You said yes', 4000),
}

/**
 * Page 1 of the history, read after the first answer while the second send was under way: Flow.ai has the second
 * message, not its answer; the relay paired both of the visitor's messages with their stored sends (`meta.traceId`).
 */
const page: ThreadStateAction = {
  type: 'history/loaded',
  pageNumber: 1,
  receivedAt: 0,
  page: {
    threadId: T,
    page: 1,
    pages: 1,
    history: [
      { originator: { name: 'Ann', role: 'user' }, messages: [traced(textMessage('hi', 'f1', 1400), 'tr1')] },
      { originator: bot, messages: [textMessage('Hello Ann', 'm1', 2000)] },
      {
        originator: { name: 'Ann', role: 'user' },
        messages: [traced(textMessage('yes', 'f2', 3400), 'tr2')],
      },
    ],
  },
}
function traced(message: ReturnType<typeof textMessage>, traceId: string) {
  return { ...message, meta: { ...message.meta, traceId } }
}

/** Every order of `items`. */
function* orders<T>(items: readonly T[]): Generator<T[]> {
  if (items.length <= 1) {
    yield [...items]
    return
  }
  for (const [i, item] of items.entries()) {
    for (const rest of orders([...items.slice(0, i), ...items.slice(i + 1)])) yield [item, ...rest]
  }
}

/** The actions of one arrival order: stream events get increasing ids in the order they come (as stored). */
function actionsOf(order: readonly string[]): ThreadStateAction[] {
  return order.map((name, i) => {
    const event = stream[name]
    if (!event) return page
    const envelope: EventEnvelope = { ...event, id: `${BASE + 10_000 + i}-0`, threadId: T }
    return { type: 'envelope/received', envelope }
  })
}

const transcript = (s: ThreadState) =>
  s.messages.map((m) => {
    const t = m.templates[0]
    return `${m.id}:${m.sender}:${t?.type === 'text' ? t.payload.text : '?'}${m.state ? `:${m.state}` : ''}`
  })

const expected = [
  'tr1:visitor:hi:delivered',
  'm1:bot:Hello Ann',
  'tr2:visitor:yes:delivered',
  'm2:bot:You said yes',
]

describe('threadReducer: every arrival order in another tab of the visitor', () => {
  it('ends in one transcript, each send one message named by its traceId and delivered, in all 5,760 orders', () => {
    // The six stream events in any order (720), and with the page read anywhere among them (5,040): without the
    // page, only the answer can make the second message delivered.
    const names = Object.keys(stream)
    const wrong = new Map<string, string[]>()
    let count = 0
    for (const order of [...orders(names), ...orders([...names, 'page'])]) {
      count++
      const tab = actionsOf(order).reduce(threadReducer, initialThreadState(T, 'visitor'))
      const got = transcript(tab)
      if (JSON.stringify(got) !== JSON.stringify(expected) && wrong.size < 5) wrong.set(order.join(' '), got)
    }
    expect(count).toBe(5760)
    expect(Object.fromEntries(wrong)).toEqual({})
  })

  it('ends the same in the tab that sent both messages, in all 5,040 orders', () => {
    const own = (id: string, text: string, ms: number): ThreadStateAction => ({
      type: 'send/queued',
      message: {
        id,
        traceId: id,
        sender: 'visitor',
        own: true,
        state: 'pending',
        createdAt: BASE + ms,
        templates: [{ type: 'text', payload: { text } }],
      },
    })
    const queued = [own('tr1', 'hi', 1000), own('tr2', 'yes', 3000)]
    const accepted: ThreadStateAction[] = [
      { type: 'send/accepted', traceId: 'tr1' },
      { type: 'send/accepted', traceId: 'tr2' },
    ]
    const wrong = new Map<string, string[]>()
    for (const order of orders([...Object.keys(stream), 'page'])) {
      const tab = [...queued, ...actionsOf(order), ...accepted].reduce(
        threadReducer,
        initialThreadState(T, 'visitor'),
      )
      const got = transcript(tab)
      if (JSON.stringify(got) !== JSON.stringify(expected) && wrong.size < 5) wrong.set(order.join(' '), got)
    }
    expect(Object.fromEntries(wrong)).toEqual({})
  })

  it('delivers a message whose answer came before both its echo and its record', () => {
    const tab = actionsOf(['echo1', 'record1', 'answer1', 'answer2', 'echo2', 'record2']).reduce(
      threadReducer,
      initialThreadState(T, 'visitor'),
    )
    expect(transcript(tab)).toEqual(expected)
  })

  it('keeps the page copy and the later echo of a send under way as one message', () => {
    const tab = actionsOf(['echo1', 'record1', 'answer1', 'page', 'echo2', 'record2', 'answer2']).reduce(
      threadReducer,
      initialThreadState(T, 'visitor'),
    )
    expect(transcript(tab)).toEqual(expected)
    // Flow.ai's id of the copy still names it: a later record under that id adds nothing.
    expect(tab.aliases).toMatchObject({ f2: 'tr2' })
  })
})
