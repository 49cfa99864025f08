import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createFlowChat, createMemoryStorage, type ChatMessage } from '@flowchat/core'
import { startStack, transcript, when, type Stack } from './client-stack.js'
import { startRedirectingProxy } from './support/redirecting-proxy.js'

let stack: Stack
beforeEach(async () => {
  stack = await startStack()
})
afterEach(async () => {
  await stack.close()
})

describe('reactive client against a real relay and the emulator', () => {
  it('subscribes, sends a text and receives the bot reply; the send ends delivered', async () => {
    const chat = stack.client()
    const { threadId } = await chat.session()
    const thread = chat.thread(threadId)
    await when(thread.connection$, (c) => c.state === 'open')
    const states: string[] = []
    thread.send({ type: 'text', text: 'ping' }).subscribe((s) => states.push(s))
    const messages = await when(thread.messages$, (ms) => ms.some((m) => m.sender === 'bot'))
    expect(transcript(messages)).toEqual(['visitor:ping', 'bot:You said: ping'])
    await when(thread.messages$, (ms) => ms[0]?.state === 'delivered')
    // `sent` (the relay's 202) may lose the race against the bot's answer, which means `delivered`.
    expect(states[0]).toBe('pending')
    expect(states.at(-1)).toBe('delivered')
    expect(states.filter((s) => s !== 'sent')).toEqual(['pending', 'delivered'])
  })

  it('a relay restarted mid-conversation loses no message and duplicates none', async () => {
    const chat = stack.client()
    const { threadId } = await chat.session()
    const thread = chat.thread(threadId)
    const connection: string[] = []
    thread.connection$.subscribe((c) => connection.push(c.state))
    await when(thread.connection$, (c) => c.state === 'open')
    thread.send({ type: 'text', text: 'one' })
    await when(thread.messages$, (ms) => ms.length === 2)

    await stack.stopRelay()
    await when(thread.connection$, (c) => c.state === 'reconnecting')
    // While the relay is down the visitor writes through another channel: the bot's answer is a webhook the
    // emulator keeps retrying, and the message itself only exists in Flow.ai's history.
    await fetch(`${stack.emulator.restUrl}messages/${encodeURIComponent(threadId)}`, {
      method: 'POST',
      headers: { authorization: stack.emulator.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({
        payload: { type: 'text', speech: 'two', originator: { name: 'Ann', role: 'external' } },
      }),
    })
    await stack.startRelay()
    await when(thread.connection$, (c) => c.state === 'open')
    await stack.emulator.idle()
    thread.send({ type: 'text', text: 'three' })
    const messages = await when(thread.messages$, (ms) => ms.length >= 6 && ms.at(-1)?.sender === 'bot')
    expect(transcript(messages), JSON.stringify(messages.map((m) => [m.id, m.createdAt, m.state]))).toEqual([
      'visitor:one',
      'bot:You said: one',
      'visitor:two',
      'bot:You said: two',
      'visitor:three',
      'bot:You said: three',
    ])
    expect(new Set(messages.map((m) => m.id)).size).toBe(6)
    expect(connection).toContain('reconnecting')
  })

  it('a send while the relay is down waits in the outbox and goes out exactly once', async () => {
    const storage = createMemoryStorage()
    const chat = stack.client(storage)
    const { threadId } = await chat.session()
    const thread = chat.thread(threadId)
    await when(thread.connection$, (c) => c.state === 'open')
    await stack.stopRelay()
    const states: string[] = []
    thread.send({ type: 'text', text: 'while down' }).subscribe((s) => states.push(s))
    await when(thread.queued$, (n) => n === 1)
    expect(storage.getItem(`flowchat:outbox:${threadId}`)).toContain('while down')
    await stack.startRelay()
    const messages = await when(thread.messages$, (ms) => ms.some((m) => m.sender === 'bot'))
    await when(thread.queued$, (n) => n === 0)
    await stack.emulator.idle()
    expect(transcript(messages)).toEqual(['visitor:while down', 'bot:You said: while down'])
    const history = stack.emulator.thread(threadId)?.history ?? []
    const sentTexts = history
      .filter((entry) => entry.originator?.role === 'user')
      .flatMap((entry) => entry.messages.map((m) => (m.responses[0]?.payload as { text?: string }).text))
    expect(sentTexts).toEqual(['while down'])
    // The outbox empties on the relay's 202, which may reach us after the bot's answer.
    while (storage.getItem(`flowchat:outbox:${threadId}`) !== null) await new Promise(setImmediate)
    expect(states[0]).toBe('pending')
    expect(states.at(-1)).toBe('delivered')
  })

  it('two tabs of one thread see the same conversation', async () => {
    const storage = createMemoryStorage()
    const tabA = stack.client(storage)
    const tabB = stack.client(storage)
    const { threadId } = await tabA.session()
    expect(await tabB.session()).toEqual({ threadId })
    const a = tabA.thread(threadId)
    const b = tabB.thread(threadId)
    // Each tab keeps its conversation open, as a page showing it does, and has read the (empty) history before the
    // first send. (A history page read while a send is under way: the next test.)
    const open = [a.messages$.subscribe(() => {}), b.messages$.subscribe(() => {})]
    await when(a.hasOlder$, (older) => !older)
    await when(b.hasOlder$, (older) => !older)
    await when(a.connection$, (c) => c.state === 'open')
    await when(b.connection$, (c) => c.state === 'open')
    a.send({ type: 'text', text: 'from A' })
    await when(b.messages$, (ms) => ms.length === 2)
    b.send({ type: 'text', text: 'from B' })
    const full = (ms: readonly { sender: string }[]) => ms.length === 4 && ms.at(-1)?.sender === 'bot'
    // Both tabs stay subscribed, as pages showing the conversation do. Flow.ai's record of a send and the relay's
    // `sent` echo reach the other tab in either order; both tabs must end with the same messages under the same
    // ids (the send's traceId), never a second copy.
    const ids = (ms: readonly { id: string }[]) => ms.map((m) => m.id).join()
    let seen: [readonly ChatMessage[], readonly ChatMessage[]] = [[], []]
    const bothTabs = {
      subscribe(next: (tabs: [readonly ChatMessage[], readonly ChatMessage[]]) => void) {
        const subA = a.messages$.subscribe((ms) => next((seen = [ms, seen[1]])))
        const subB = b.messages$.subscribe((ms) => next((seen = [seen[0], ms])))
        return { unsubscribe: () => (subA.unsubscribe(), subB.unsubscribe()) }
      },
    }
    // Bounded below the test's timeout, so a failure shows what each tab holds.
    const shown = (ms: readonly ChatMessage[]) =>
      ms.map((m) => `${m.sender}:${m.id}:${m.traceId ?? '-'}:${m.state ?? '-'}:${transcript([m])[0]}`)
    let timer: NodeJS.Timeout | undefined
    const [inA, inB] = await Promise.race([
      when(bothTabs, ([ma, mb]) => full(ma) && full(mb) && ids(ma) === ids(mb)),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`tabs differ: ${JSON.stringify({ a: shown(seen[0]), b: shown(seen[1]) })}`)),
          15_000,
        )
      }),
    ]).finally(() => clearTimeout(timer))
    expect(transcript(inA)).toEqual([
      'visitor:from A',
      'bot:You said: from A',
      'visitor:from B',
      'bot:You said: from B',
    ])
    expect(inB.map((m) => m.id)).toEqual(inA.map((m) => m.id))
    expect(inB.every((m) => m.sender !== 'visitor' || m.own)).toBe(true)
    for (const subscription of open) subscription.unsubscribe()
  })

  it("a tab that reads history before the echo of another tab's send shows the send once, delivered", async () => {
    const storage = createMemoryStorage()
    const tabA = stack.client(storage)
    const { threadId } = await tabA.session()
    const a = tabA.thread(threadId)
    const open = [a.messages$.subscribe(() => {})]
    await when(a.hasOlder$, (older) => !older)
    await when(a.connection$, (c) => c.state === 'open')
    // Tab B's history is read only once A's send is stored (Flow.ai holds its copy, the relay its `sent` event), and
    // B's stream delivers that echo only after the page: the order in which a tab that opens mid-send meets them.
    const gate = heldFetch()
    const tabB = createFlowChat({
      relayUrl: stack.relayUrl,
      storage,
      fetch: gate.fetch,
      backoff: { baseMs: 50, maxMs: 400 },
    })
    const b = tabB.thread(threadId)
    open.push(b.messages$.subscribe(() => {}))
    await when(b.connection$, (c) => c.state === 'open')
    a.send({ type: 'text', text: 'from A' })
    await when(a.messages$, (ms) => ms.length === 2 && ms[0]?.state === 'delivered')
    gate.releaseHistory()
    await when(b.messages$, (ms) => ms.length === 2)
    gate.releaseStream()
    // A second send's answer comes after the first's echo on B's stream: once B shows it, B has folded the echo.
    a.send({ type: 'text', text: 'again' })
    const full = (ms: readonly ChatMessage[]) =>
      ms.at(-1)?.sender === 'bot' && transcript(ms).includes('visitor:again')
    const inA = await when(a.messages$, full)
    const inB = await when(b.messages$, full)
    const shown = (ms: readonly ChatMessage[]) =>
      ms.map((m) => `${m.id}:${m.state ?? '-'}:${transcript([m])[0]}`)
    expect(transcript(inB)).toEqual([
      'visitor:from A',
      'bot:You said: from A',
      'visitor:again',
      'bot:You said: again',
    ])
    expect(shown(inB)).toEqual(shown(inA))
    expect(inB[0]!.state).toBe('delivered')
    for (const subscription of open) subscription.unsubscribe()
    tabB.close()
  })

  it('uploads a file with progress; the bot answers it', async () => {
    const chat = stack.client()
    const { threadId } = await chat.session()
    const thread = chat.thread(threadId)
    await when(thread.connection$, (c) => c.state === 'open')
    const progress: number[] = []
    thread.messages$.subscribe((ms) => {
      const p = ms[0]?.progress
      if (p !== undefined && progress.at(-1) !== p) progress.push(p)
    })
    const file = new Blob([new Uint8Array(256 * 1024).fill(7)], { type: 'image/png' })
    const states: string[] = []
    thread.send({ type: 'upload', file, filename: 'dots.png' }).subscribe((s) => states.push(s))
    const messages = await when(thread.messages$, (ms) => ms.some((m) => m.sender === 'bot'))
    expect(transcript(messages)[1]).toBe('bot:Thanks for the image dots.png.')
    const own = messages[0]!
    // In Node there is no blob: preview, and the relay's echo carries no URL: the file name stands in.
    expect(own.fallback).toBe('dots.png')
    expect(own.state).toBe('delivered')
    expect(progress.at(-1)).toBe(1)
    expect(states[0]).toBe('pending')
  })

  it.each([301, 302, 307])(
    'a send a proxy answers with a %i fails naming the redirect, not followed; retry() sends it once the proxy passes it',
    async (status) => {
      // Followed, the redirect turned the send into a GET of the relay without its token (another origin): its
      // 401 had the send retried, pending for ever.
      const proxy = await startRedirectingProxy(stack.relayUrl, status)
      const chat = createFlowChat({ relayUrl: proxy.url, storage: createMemoryStorage() })
      try {
        const { threadId } = await chat.session()
        const thread = chat.thread(threadId)
        await when(thread.connection$, (c) => c.state === 'open')
        const states: string[] = []
        thread.send({ type: 'text', text: 'redirected' }).subscribe((s) => states.push(s))
        const [failed] = await when(thread.messages$, (ms) => ms[0]?.state === 'failed')
        expect(failed?.error).toBe(
          `invalid_response: The relay answered HTTP ${status} (a redirect: check relayUrl).`,
        )
        expect(states).toEqual(['pending', 'failed'])
        // An upload (multipart, streamed by Node's fetch) alike.
        const file = new Blob([new Uint8Array(1024).fill(7)], { type: 'image/png' })
        thread.send({ type: 'upload', file, filename: 'dots.png' }).subscribe()
        const [, upload] = await when(thread.messages$, (ms) => ms[1]?.state === 'failed')
        expect(upload?.error).toBe(failed?.error)
        const sends = `POST /v1/threads/${encodeURIComponent(threadId)}/messages ${status}`
        expect(proxy.redirected).toEqual([sends, sends])
        proxy.redirecting = false
        thread.retry(failed!.id).subscribe()
        const messages = await when(thread.messages$, (ms) => ms.some((m) => m.sender === 'bot'))
        expect(transcript(messages)).toContain('bot:You said: redirected')
      } finally {
        chat.close()
        await proxy.close()
      }
    },
  )
})

/** A fetch that holds a thread's history requests, and the bodies of its event streams, until the test lets them go. */
function heldFetch() {
  let releaseHistory = () => {}
  let releaseStream = () => {}
  const history = new Promise<void>((resolve) => (releaseHistory = resolve))
  const stream = new Promise<void>((resolve) => (releaseStream = resolve))
  const held: typeof fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input)
    const path = new URL(url).pathname
    if (path.endsWith('/messages') && (init?.method ?? 'GET') === 'GET') await history
    const response = await fetch(input, init)
    if (!path.endsWith('/events') || !response.body) return response
    const reader = response.body.getReader()
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await stream
        const { done, value } = await reader.read()
        if (done) controller.close()
        else controller.enqueue(value)
      },
      cancel: (reason) => reader.cancel(reason),
    })
    return new Response(body, { status: response.status, headers: response.headers })
  }
  return { fetch: held, releaseHistory, releaseStream }
}
