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
})
