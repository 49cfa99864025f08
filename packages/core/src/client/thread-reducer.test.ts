import { describe, expect, it } from 'vitest'
import type { EventEnvelope } from '../protocol/index.js'
import { seededRandom } from './test-doubles.js'
import { threadReducer } from './thread-reducer.js'
import { initialThreadState, type ThreadStateAction, type ThreadState } from './thread-state.js'
import type { ChatMessage } from './types.js'

const T = 't1|o_c1'
const BOT = { name: 'Bot', role: 'bot' }
let seq = 0
/** Realistic epoch ms: small numbers would read as epoch seconds. */
const BASE = 1_732_170_000_000
const at = (ms: number) => new Date(BASE + ms).toISOString()

function envelope(
  kind: string,
  body: unknown,
  ms: number,
  source: EventEnvelope['source'] = 'webhook',
): EventEnvelope {
  seq++
  return { id: `${ms}-${seq}`, threadId: T, kind, type: kind, receivedAt: at(ms), source, body }
}
const sent = (traceId: string, text: string, ms: number) =>
  envelope(
    'sent',
    { payload: { type: 'text', speech: text, traceId, originator: { name: 'Ann', role: 'external' } } },
    ms,
    'visitor',
  )
const reply = (traceId: string, msgId: string, text: string, ms: number, originator = BOT) =>
  envelope(
    'reply',
    {
      type: 'message',
      payload: {
        threadId: T,
        traceId,
        originator,
        messages: [
          {
            fallback: text,
            responses: [{ type: 'text', payload: { text } }],
            meta: { msgId, createdAt: BASE + ms },
          },
        ],
      },
    },
    ms,
  )
const historyPage = (
  entries: { role: string; text: string; msgId: string; ms: number }[],
  page = 1,
  pages = 1,
): ThreadStateAction => ({
  type: 'history/loaded',
  pageNumber: page,
  receivedAt: 0,
  page: {
    threadId: T,
    page,
    pages,
    history: entries.map((e) => ({
      originator: { name: e.role, role: e.role },
      messages: [
        {
          responses: [{ type: 'text', payload: { text: e.text } }],
          meta: { msgId: e.msgId, createdAt: BASE + e.ms },
        },
      ],
    })),
  },
})
const own = (traceId: string, text: string, ms: number): ChatMessage => ({
  id: traceId,
  traceId,
  sender: 'visitor',
  own: true,
  state: 'pending',
  createdAt: ms,
  templates: [{ type: 'text', payload: { text } }],
})

const run = (actions: ThreadStateAction[], start: ThreadState = initialThreadState(T, 'visitor')) =>
  actions.reduce(threadReducer, start)
const summary = (s: ThreadState) =>
  s.messages.map((m) => {
    const t = m.templates[0]
    return `${m.sender}:${t?.type === 'text' ? t.payload.text : '?'}${m.state ? `:${m.state}` : ''}`
  })

describe('threadReducer: one send seen from another tab', () => {
  // Flow.ai's record of the visitor's message (its own id, the send's traceId) and the relay's `sent` echo (named
  // by the traceId) may reach a tab in either order: the tab that sent it has the optimistic message first.
  const ann = { name: 'Ann', role: 'external' }
  const fromFlow = () => reply('tr1', 'f1', 'hi', 1400, ann)
  const answer = () => reply('tr1', 'm1', 'Hello Ann', 2000)
  const ids = (s: ThreadState) => s.messages.map((m) => m.id)

  it("merges Flow.ai's record and the echo in either order into one message named by the traceId", () => {
    const sender = run([
      { type: 'send/queued', message: own('tr1', 'hi', 1000) },
      { type: 'envelope/received', envelope: sent('tr1', 'hi', 1500) },
      { type: 'envelope/received', envelope: fromFlow() },
      { type: 'envelope/received', envelope: answer() },
    ])
    const echoFirst = run([
      { type: 'envelope/received', envelope: sent('tr1', 'hi', 1500) },
      { type: 'envelope/received', envelope: fromFlow() },
      { type: 'envelope/received', envelope: answer() },
    ])
    const flowFirst = run([
      { type: 'envelope/received', envelope: fromFlow() },
      { type: 'envelope/received', envelope: sent('tr1', 'hi', 1500) },
      { type: 'envelope/received', envelope: answer() },
    ])
    for (const tab of [sender, echoFirst, flowFirst]) {
      expect(summary(tab)).toEqual(['visitor:hi:delivered', 'bot:Hello Ann'])
      expect(ids(tab)).toEqual(['tr1', 'm1'])
    }
    // Flow.ai's id still finds the message: a later event naming it changes that one, adds none.
    expect(flowFirst.aliases).toEqual({ f1: 'tr1' })
    const again = threadReducer(flowFirst, { type: 'envelope/received', envelope: fromFlow() })
    expect(ids(again)).toEqual(['tr1', 'm1'])
  })

  it('keeps the renamed message findable in a burst folded in one action', () => {
    const burst = run([
      { type: 'envelopes/received', envelopes: [fromFlow(), sent('tr1', 'hi', 1500), answer()] },
    ])
    expect(summary(burst)).toEqual(['visitor:hi:delivered', 'bot:Hello Ann'])
    expect(ids(burst)).toEqual(['tr1', 'm1'])
  })
})

describe('threadReducer', () => {
  const r1 = reply('tr1', 'm1', 'Hello Ann', 2000)
  const cases: { name: string; actions: ThreadStateAction[]; expected: string[] }[] = [
    {
      name: 'an own send is pending, then sent on 202, then delivered by the bot reply',
      actions: [
        { type: 'send/queued', message: own('tr1', 'hi', 1000) },
        { type: 'send/accepted', traceId: 'tr1' },
        { type: 'envelope/received', envelope: r1 },
      ],
      expected: ['visitor:hi:delivered', 'bot:Hello Ann'],
    },
    {
      name: 'the sent echo merges with the optimistic message (same traceId)',
      actions: [
        { type: 'send/queued', message: own('tr1', 'hi', 1000) },
        { type: 'envelope/received', envelope: sent('tr1', 'hi', 1500) },
        { type: 'send/accepted', traceId: 'tr1' },
      ],
      expected: ['visitor:hi:sent'],
    },
    {
      name: 'a duplicate event (same id) is applied once',
      actions: [
        { type: 'envelope/received', envelope: r1 },
        { type: 'envelope/received', envelope: r1 },
      ],
      expected: ['bot:Hello Ann'],
    },
    {
      name: 'history refetch after live events adds nothing twice (msgId for replies, content for own sends)',
      actions: [
        { type: 'send/queued', message: own('tr1', 'hi', 1000) },
        { type: 'envelope/received', envelope: sent('tr1', 'hi', 1500) },
        { type: 'envelope/received', envelope: r1 },
        { type: 'stream/reset' },
        historyPage([
          { role: 'user', text: 'hi', msgId: 'h1', ms: 1500 },
          { role: 'bot', text: 'Hello Ann', msgId: 'm1', ms: 2000 },
        ]),
        historyPage([
          { role: 'user', text: 'hi', msgId: 'h1', ms: 1500 },
          { role: 'bot', text: 'Hello Ann', msgId: 'm1', ms: 2000 },
        ]),
      ],
      expected: ['visitor:hi:delivered', 'bot:Hello Ann'],
    },
    {
      name: 'the same text sent twice stays two messages after a history refetch',
      actions: [
        { type: 'envelope/received', envelope: sent('a', 'yes', 1000) },
        { type: 'envelope/received', envelope: sent('b', 'yes', 3000) },
        historyPage([
          { role: 'user', text: 'yes', msgId: 'h1', ms: 1000 },
          { role: 'user', text: 'yes', msgId: 'h2', ms: 3000 },
        ]),
      ],
      expected: ['visitor:yes:delivered', 'visitor:yes:delivered'],
    },
    {
      name: 'a live answer and its question read later from history, stamped in the same ms: question first',
      actions: [
        { type: 'envelope/received', envelope: reply('zz', 'm7', 'You said: two', 700) },
        historyPage([
          { role: 'user', text: 'two', msgId: 'h7', ms: 700 },
          { role: 'bot', text: 'You said: two', msgId: 'm7', ms: 700 },
        ]),
      ],
      expected: ['visitor:two:delivered', 'bot:You said: two'],
    },
    {
      name: 'an older history page is inserted before the newer one',
      actions: [
        historyPage([{ role: 'bot', text: 'new', msgId: 'n', ms: 5000 }], 1, 2),
        historyPage([{ role: 'bot', text: 'old', msgId: 'o', ms: 1000 }], 2, 2),
      ],
      expected: ['bot:old', 'bot:new'],
    },
    {
      name: 'an older page sharing a millisecond with the newer page keeps its messages first',
      actions: [
        historyPage(
          [
            { role: 'bot', text: 'b1', msgId: 'b1', ms: 1000 },
            { role: 'bot', text: 'b2', msgId: 'b2', ms: 2000 },
          ],
          1,
          2,
        ),
        historyPage(
          [
            { role: 'bot', text: 'a1', msgId: 'a1', ms: 500 },
            { role: 'bot', text: 'a2', msgId: 'a2', ms: 1000 },
          ],
          2,
          2,
        ),
      ],
      expected: ['bot:a1', 'bot:a2', 'bot:b1', 'bot:b2'],
    },
    {
      name: 'a failed send can be retried and is then accepted',
      actions: [
        { type: 'send/queued', message: own('tr1', 'hi', 1000) },
        { type: 'send/failed', traceId: 'tr1', error: 'invalid_input: text too long' },
        { type: 'send/started', traceId: 'tr1' },
        { type: 'send/accepted', traceId: 'tr1' },
      ],
      expected: ['visitor:hi:sent'],
    },
    {
      name: 'an agent message (role moderator) is an agent message, echo and reply merged by traceId',
      actions: [
        {
          type: 'envelope/received',
          envelope: envelope(
            'sent',
            {
              payload: {
                type: 'text',
                speech: 'I am here',
                traceId: 'op1',
                originator: { name: 'Eve', role: 'moderator' },
              },
            },
            1000,
            'operator',
          ),
        },
        {
          type: 'envelope/received',
          envelope: reply('op1', 'm9', 'I am here', 1100, { name: 'Eve', role: 'moderator' }),
        },
        historyPage([{ role: 'moderator', text: 'I am here', msgId: 'm9', ms: 1100 }]),
      ],
      expected: ['agent:I am here'],
    },
    {
      name: 'a legacy delivered event marks the own message delivered',
      actions: [
        { type: 'send/queued', message: own('tr1', 'hi', 1000) },
        { type: 'send/accepted', traceId: 'tr1' },
        {
          type: 'envelope/received',
          envelope: envelope(
            'delivered',
            { type: 'message.delivered', payload: { threadId: T, traceId: 'tr1' } },
            1200,
          ),
        },
      ],
      expected: ['visitor:hi:delivered'],
    },
  ]
  it.each(cases)('$name', ({ actions, expected }) => {
    expect(summary(run(actions))).toEqual(expected)
  })

  const status = (kind: string, type: string, payload: object) =>
    ({
      type: 'envelope/received',
      envelope: envelope(kind, { type, payload: { threadId: T, ...payload } }, 10_000),
    }) as const
  const statusCases: { name: string; actions: ThreadStateAction[]; expected: ThreadState['botStatus'] }[] = [
    { name: 'paused', actions: [status('paused', 'paused', {})], expected: { state: 'paused' } },
    {
      name: 'handover with secondsToPause gives until',
      actions: [status('handover', 'control.handover', { secondsToPause: 60 })],
      expected: { state: 'handover', until: BASE + 70_000 },
    },
    { name: 'takeover', actions: [status('takeover', 'takeover', {})], expected: { state: 'handover' } },
    {
      name: 'resumed after paused',
      actions: [status('paused', 'control.pause', {}), status('resumed', 'control.resume', {})],
      expected: { state: 'active' },
    },
    {
      name: 'isPaused (sic isPaued)',
      actions: [status('botStatus', 'isPaused', { isPaued: true })],
      expected: { state: 'paused' },
    },
  ]
  it.each(statusCases)('bot status: $name', ({ actions, expected }) => {
    expect(run(actions).botStatus).toEqual(expected)
  })

  it('ignores events of other threads and older ids, and accepts any id after a reset', () => {
    const first = reply('x', 'm1', 'one', 5000)
    let s = run([{ type: 'envelope/received', envelope: first }])
    s = threadReducer(s, {
      type: 'envelope/received',
      envelope: { ...reply('x', 'm2', 'old', 1000), id: '1-0' },
    })
    s = threadReducer(s, {
      type: 'envelope/received',
      envelope: { ...reply('x', 'm3', 'other', 6000), threadId: 'zz' },
    })
    expect(summary(s)).toEqual(['bot:one'])
    s = threadReducer(s, { type: 'stream/reset' })
    s = threadReducer(s, {
      type: 'envelope/received',
      envelope: { ...reply('x', 'm4', 'after', 6000), id: '2-0' },
    })
    expect(summary(s)).toEqual(['bot:one', 'bot:after'])
    expect(s.lastEventId).toBe('2-0')
  })

  it('returns the same state object when nothing changes', () => {
    const s = run([{ type: 'connection/changed', connection: { state: 'open' } }])
    expect(threadReducer(s, { type: 'connection/changed', connection: { state: 'open' } })).toBe(s)
    expect(threadReducer(s, { type: 'send/accepted', traceId: 'nope' })).toBe(s)
    expect(threadReducer(s, { type: 'outbox/changed', count: 0 })).toBe(s)
  })

  it('tracks history pages and adopts the relay time of an own message on echo', () => {
    let s = run([historyPage([], 1, 3), { type: 'send/queued', message: own('tr', 'hi', BASE + 99_999_999) }])
    expect(s.pagesLoaded).toBe(1)
    expect(s.pages).toBe(3)
    s = threadReducer(s, { type: 'envelope/received', envelope: sent('tr', 'hi', 4000) })
    expect(s.messages[0]?.createdAt).toBe(BASE + 4000)
  })

  it('keeps upload progress only while pending', () => {
    let s = run([
      { type: 'send/queued', message: own('u', 'file', 1) },
      { type: 'send/progress', traceId: 'u', progress: 0.5 },
    ])
    expect(s.messages[0]?.progress).toBe(0.5)
    s = threadReducer(s, { type: 'send/accepted', traceId: 'u' })
    expect(s.messages[0]?.progress).toBeUndefined()
  })
})

describe('envelopes/received (many at once)', () => {
  /** Sends, echoes, replies (some out of order, some duplicated), deliveries and pauses. */
  function events(seed: number, n: number): EventEnvelope[] {
    const next = seededRandom(seed)
    const out: EventEnvelope[] = []
    for (let i = 0; i < n; i++) {
      const ms = Math.floor(i * 10 + next() * 30)
      const r = next()
      const trace = `tr-${Math.floor(next() * i + 1)}`
      if (r < 0.3) out.push(sent(trace, `ask ${i}`, ms))
      else if (r < 0.75) out.push(reply(trace, `m-${Math.floor(next() * n)}`, `answer ${i}`, ms))
      else if (r < 0.85)
        out.push(
          envelope('reply', { type: 'message.delivered', payload: { threadId: T, traceId: trace } }, ms),
        )
      else if (r < 0.9)
        out.push(
          envelope('paused', { type: 'control.pause', payload: { threadId: T, secondsToPause: 60 } }, ms),
        )
      else if (r < 0.95 && out.length > 0) out.push(out[Math.floor(next() * out.length)] as EventEnvelope)
      else out.push(envelope('reply', { type: 'something.else', payload: {} }, ms))
    }
    return out
  }

  it.each([1, 2, 3])('never changes a state or its messages once returned (seed %i)', (seed) => {
    const list = events(seed, 300)
    const actions: ThreadStateAction[] = []
    for (const [i, envelope] of list.entries()) {
      // Optimistic sends the relay's `sent` events reconcile, status changes, and bursts.
      if (i % 10 === 0)
        actions.push({ type: 'send/queued', message: own(`tr-${i}`, `ask ${i}`, BASE + i * 10) })
      if (i % 10 === 5) actions.push({ type: 'send/accepted', traceId: `tr-${i - 5}` })
      actions.push(
        i % 3 === 0
          ? { type: 'envelopes/received', envelopes: list.slice(i, i + 3) }
          : { type: 'envelope/received', envelope },
      )
    }
    actions.push(historyPage([{ role: 'bot', text: 'older', msgId: 'older', ms: -5 }], 2, 2))
    const seen: { state: ThreadState; fields: ThreadState; messages: ChatMessage[] }[] = []
    let state = initialThreadState(T, 'visitor')
    for (const action of actions) {
      state = threadReducer(state, action)
      seen.push({ state, fields: { ...state }, messages: [...state.messages] })
    }
    for (const { state, fields, messages } of seen) {
      // A burst changes the state and list it made in place: never one it returned before.
      expect(state).toEqual({ ...fields, messages: state.messages })
      expect(state.messages).toBe(fields.messages)
      expect(state.messages).toEqual(messages)
    }
  })

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('gives what one envelope/received per event gives (seed %i)', (seed) => {
    const list = events(seed, 300)
    let one = initialThreadState(T, 'visitor')
    let many = initialThreadState(T, 'visitor')
    // Start from a state with messages, so the batch begins from a list it must not change.
    const head = list.slice(0, 50)
    for (const envelope of head) {
      one = threadReducer(one, { type: 'envelope/received', envelope })
      many = threadReducer(many, { type: 'envelope/received', envelope })
    }
    const before = many
    const beforeMessages = [...before.messages]
    for (const envelope of list.slice(50)) one = threadReducer(one, { type: 'envelope/received', envelope })
    for (let i = 50; i < list.length; i += 37) {
      many = threadReducer(many, { type: 'envelopes/received', envelopes: list.slice(i, i + 37) })
    }
    expect(many).toEqual(one)
    // Pure: the state the batch started from is unchanged.
    expect(before.messages).toEqual(beforeMessages)
    // And a single event after the batches still folds like the per-event path.
    const last = reply('tr-last', 'm-last', 'after', 99_999)
    expect(threadReducer(many, { type: 'envelope/received', envelope: last })).toEqual(
      threadReducer(one, { type: 'envelope/received', envelope: last }),
    )
  })
})
