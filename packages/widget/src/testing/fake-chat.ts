import { BehaviorSubject, of } from 'rxjs'
import type { Template } from '@flowchat/core/schemas'
import type {
  BotStatus,
  ChatMessage,
  Connection,
  FlowChat,
  SendInput,
  ThreadHandle,
} from '../client-types.js'

/**
 * A test double of the reactive client: every stream is a BehaviorSubject the test drives, and every call is
 * recorded. Used by the browser tests only (never imported by the widget).
 *
 * @example
 * const fake = fakeChat()
 * el.chat = fake.chat
 * fake.messages$.next([botMessage([{ type: 'text', payload: { text: 'Hi' } }])])
 */
/** What the fake relay answers about business hours: `open`, and when that next changes. */
export type FakeOpening = Omit<Awaited<ReturnType<FlowChat['opening']>>, 'businessHours'>

/**
 * `opening`: the answers to `opening()` in turn (the last one repeats); open with no next change by default.
 */
export function fakeChat(options: { opening?: FakeOpening[]; threadId?: string } = {}) {
  const messages$ = new BehaviorSubject<readonly ChatMessage[]>([])
  const connection$ = new BehaviorSubject<Connection>({ state: 'open' })
  const botStatus$ = new BehaviorSubject<BotStatus>({ state: 'active' })
  const awaitingReply$ = new BehaviorSubject(false)
  const queued$ = new BehaviorSubject(0)
  const hasOlder$ = new BehaviorSubject(false)
  const sent: SendInput[] = []
  const retried: string[] = []
  let olderCalls = 0
  let onLoadOlder: () => void = () => undefined
  const threadId = options.threadId ?? 'thread-1'
  const handle = {
    threadId,
    events$: of(),
    messages$,
    connection$,
    botStatus$,
    awaitingReply$,
    queued$,
    hasOlder$,
    send(input: SendInput) {
      sent.push(input)
      return of('sent' as const)
    },
    loadOlder() {
      olderCalls++
      onLoadOlder()
      return Promise.resolve()
    },
    retry(id: string) {
      retried.push(id)
      return of('sent' as const)
    },
  } satisfies Partial<ThreadHandle> as unknown as ThreadHandle
  let closed = 0
  let resets = 0
  let openingCalls = 0
  const chat = {
    session: () => Promise.resolve({ threadId }),
    thread: () => handle,
    opening: () => {
      const answers = options.opening ?? [{ open: true }]
      return Promise.resolve({ businessHours: [], ...answers[Math.min(openingCalls++, answers.length - 1)] })
    },
    close: () => void closed++,
    reset: () => void resets++,
    events$: of<never>(),
  } as unknown as FlowChat
  return {
    chat,
    handle,
    messages$,
    connection$,
    botStatus$,
    awaitingReply$,
    queued$,
    hasOlder$,
    sent,
    retried,
    get olderCalls() {
      return olderCalls
    },
    set onLoadOlder(fn: () => void) {
      onLoadOlder = fn
    },
    get closed() {
      return closed
    },
    get resets() {
      return resets
    },
    get openingCalls() {
      return openingCalls
    },
  }
}

let next = 0

/** A bot message with these templates. */
export function botMessage(templates: Template[], extra: Partial<ChatMessage> = {}): ChatMessage {
  return { id: `m${++next}`, sender: 'bot', createdAt: Date.now(), templates, own: false, ...extra }
}

/** An own text message in a delivery state. */
export function ownMessage(text: string, extra: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id: `m${++next}`,
    sender: 'visitor',
    createdAt: Date.now(),
    templates: [{ type: 'text', payload: { text } }],
    own: true,
    state: 'sent',
    ...extra,
  }
}
