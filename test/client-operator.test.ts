import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startStack, transcript, when, type Stack } from './client-stack.js'

let stack: Stack
beforeEach(async () => {
  stack = await startStack()
})
afterEach(async () => {
  await stack.close()
})

describe('reactive client, operator side', () => {
  it('lists the visitor thread with its unread message, pauses the bot and answers as an agent', async () => {
    const operator = await stack.operator()
    const threads: { threadId: string; unread: number }[][] = []
    operator.threads$.subscribe((list) =>
      threads.push(list.map((t) => ({ threadId: t.threadId, unread: t.unread }))),
    )
    const events: string[] = []
    operator.events$.subscribe((e) => events.push(e.kind))

    const visitor = stack.client()
    const { threadId } = await visitor.session()
    const thread = visitor.thread(threadId)
    await when(thread.connection$, (c) => c.state === 'open')
    // The operator stream starts live: it must be open before the send.
    await when(operator.connection$, (c) => c.state === 'open')
    thread.send({ type: 'text', text: 'anyone there?' })
    await when(thread.messages$, (ms) => ms.some((m) => m.sender === 'bot'))
    const listed = await when(operator.threads$, (list) =>
      list.some((t) => t.threadId === threadId && t.lastMessage?.sender === 'bot'),
    )
    // Only the visitor's message counts as unread; the bot's answer is the last message.
    expect(listed[0]).toMatchObject({ threadId, unread: 1 })
    operator.operator.markRead(threadId)
    expect((await when(operator.threads$, () => true)).find((t) => t.threadId === threadId)?.unread).toBe(0)
    await operator.operator.pause(threadId)
    await when(thread.botStatus$, (s) => s.state === 'paused')
    operator.thread(threadId).send({ type: 'text', text: 'Eve here, how can I help?' })
    const messages = await when(thread.messages$, (ms) => ms.some((m) => m.sender === 'agent'))
    expect(transcript(messages)).toEqual([
      'visitor:anyone there?',
      'bot:You said: anyone there?',
      'agent:Eve here, how can I help?',
    ])
    expect(messages.at(-1)?.own).toBe(false)
    expect(events).toContain('sent')
  })

  it("watches more threads at once than the relay's streams per token (5), each live, over the one all-threads stream", async () => {
    const visitors = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const chat = stack.client()
        const { threadId } = await chat.session()
        return { thread: chat.thread(threadId), threadId }
      }),
    )
    const operator = await stack.operator()
    const watched = visitors.map(({ threadId }) => operator.thread(threadId))
    for (const thread of watched) thread.messages$.subscribe()
    // Each thread of its own stream: the sixth and later were refused 429, reconnecting for ever.
    await Promise.all(watched.map((thread) => when(thread.connection$, (c) => c.state === 'open')))
    await Promise.all(
      visitors.map(({ thread }, i) => {
        thread.send({ type: 'text', text: `visitor ${i}` })
        return when(thread.messages$, (ms) => ms.some((m) => m.sender === 'bot'))
      }),
    )
    const seen = await Promise.all(
      watched.map((thread) => when(thread.messages$, (ms) => ms.some((m) => m.sender === 'bot'))),
    )
    expect(seen.map((ms) => transcript(ms))).toEqual(
      visitors.map((_, i) => [`visitor:visitor ${i}`, `bot:You said: visitor ${i}`]),
    )
    // An agent's send from a watched thread goes out, and its echo comes back on the all-threads stream.
    watched[7]!.send({ type: 'text', text: 'an agent' })
    await when(visitors[7]!.thread.messages$, (ms) => ms.some((m) => m.sender === 'agent'))
    const echoed = await when(watched[7]!.messages$, (ms) => ms.length === 3)
    expect(echoed[2]).toMatchObject({ own: true, state: 'sent' })
  })

  it('a thread watched again shows what came while it was not watched', async () => {
    const visitor = stack.client()
    const { threadId } = await visitor.session()
    const thread = visitor.thread(threadId)
    const operator = await stack.operator()
    // The all-threads stream stays open for the list; the thread's view closes and opens again.
    operator.threads$.subscribe()
    await when(operator.connection$, (c) => c.state === 'open')
    const watched = operator.thread(threadId)
    const view = watched.messages$.subscribe()
    await when(watched.connection$, (c) => c.state === 'open')
    // Its events, not history (which may come back with the send in it): the view has an id to resume from.
    const replied = when(watched.events$, (e) => e.kind === 'reply')
    thread.send({ type: 'text', text: 'first' })
    await replied
    view.unsubscribe()
    thread.send({ type: 'text', text: 'while away' })
    await when(thread.messages$, (ms) => ms.length === 4)
    // The all-threads stream brought the bot's answer while the thread's view was closed.
    await when(operator.threads$, (list) =>
      list.some(
        (t) => t.threadId === threadId && JSON.stringify(t.lastMessage).includes('You said: while away'),
      ),
    )
    const back = await when(watched.messages$, (ms) => ms.length === 4)
    expect(transcript(back)).toEqual([
      'visitor:first',
      'bot:You said: first',
      'visitor:while away',
      'bot:You said: while away',
    ])
  })
})
