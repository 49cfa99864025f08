// The reactive client in Chromium, as a page would use it: core's fetch stream reader (token in the Authorization header,
// cross-origin to the relay), localStorage for the session and the outbox, the browser's offline/online events
// and an XMLHttpRequest upload with progress.
import type { ChatMessage, FlowChat, FlowChatOptions, ThreadHandle } from '@flowchat/core'
import { chromiumLaunchOptions } from '@flowchat/demo/stack'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startStack, type Stack } from './client-stack.js'
import { serveClientPage, type ClientPage } from './support/client-page.js'
import { startRedirectingProxy } from './support/redirecting-proxy.js'

let stack: Stack
let browser: Browser
let clientPage: ClientPage
let pageUrl: string

beforeAll(async () => {
  stack = await startStack({ corsOrigins: ['*'] })
  clientPage = await serveClientPage()
  pageUrl = clientPage.url
  browser = await chromium.launch(chromiumLaunchOptions())
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await clientPage?.close()
  await stack?.close()
})

/** Loads the client into the page as `window.fc` with a `when(observable, predicate)` helper. */
async function open(context: BrowserContext, relayUrl = stack.relayUrl): Promise<Page> {
  const page = await context.newPage()
  page.on('pageerror', (error) => console.error(`[page] ${error.message}`))
  await page.goto(pageUrl)
  await page.waitForFunction(() => 'createFlowChat' in window)
  await page.evaluate(async (relayUrl) => {
    // Loaded by the page's module script (an `import()` here would be rewritten by Vitest).
    const page = window as unknown as { createFlowChat: (options: FlowChatOptions) => FlowChat }
    const chat = page.createFlowChat({ relayUrl })
    const { threadId } = await chat.session()
    const when = <T>(
      source: { subscribe(f: (v: T) => void): { unsubscribe(): void } },
      ok: (v: T) => boolean,
    ) =>
      new Promise<T>((resolve) => {
        const sub = source.subscribe((v) => {
          if (ok(v)) {
            resolve(v)
            queueMicrotask(() => sub.unsubscribe())
          }
        })
      })
    const thread = chat.thread(threadId)
    const seen: string[] = []
    thread.connection$.subscribe((c) => seen.push(c.state))
    const text = (m: { templates: readonly { type: string; payload: unknown }[]; fallback?: string }) =>
      m.templates[0]?.type === 'text'
        ? (m.templates[0].payload as { text: string }).text
        : (m.fallback ?? '?')
    Object.assign(window, { fc: { chat, thread, threadId, when, seen, text } })
  }, relayUrl)
  return page
}

type Fc = {
  thread: ThreadHandle
  threadId: string
  seen: string[]
  when: <T>(s: unknown, ok: (v: T) => boolean) => Promise<T>
  text: (m: ChatMessage) => string
}
declare const fc: Fc

describe('reactive client in Chromium', () => {
  it('chats over the fetch stream reader, survives offline, uploads with progress and continues after a reload', async () => {
    const context = await browser.newContext()
    const page = await open(context)

    const first = await page.evaluate(async () => {
      await fc.when(fc.thread.connection$, (c: { state: string }) => c.state === 'open')
      fc.thread.send({ type: 'text', text: 'hello chromium' })
      const ms = await fc.when(fc.thread.messages$, (ms: { sender: string }[]) =>
        ms.some((m) => m.sender === 'bot'),
      )
      return (ms as ChatMessage[]).map((m) => `${m.sender}:${fc.text(m)}`)
    })
    expect(first).toEqual(['visitor:hello chromium', 'bot:You said: hello chromium'])

    await context.setOffline(true)
    const offline = await page.evaluate(async () => {
      await fc.when(fc.thread.connection$, (c: { state: string }) => c.state === 'offline')
      fc.thread.send({ type: 'text', text: 'sent while offline' })
      await fc.when(fc.thread.queued$, (n: number) => n === 1)
      return localStorage.getItem(`flowchat:outbox:${fc.threadId}`)
    })
    expect(offline).toContain('sent while offline')
    await context.setOffline(false)
    const back = await page.evaluate(async () => {
      const ms = await fc.when(
        fc.thread.messages$,
        (ms: { sender: string }[]) => ms.length === 4 && ms[3]?.sender === 'bot',
      )
      await fc.when(fc.thread.queued$, (n: number) => n === 0)
      return {
        transcript: (ms as ChatMessage[]).map((m) => `${m.sender}:${fc.text(m)}`),
        seen: fc.seen,
      }
    })
    expect(back.transcript.slice(2)).toEqual([
      'visitor:sent while offline',
      'bot:You said: sent while offline',
    ])
    // The bot may answer before the relay's 202 reaches the page; the outbox empties on the 202.
    await page.waitForFunction(() => localStorage.getItem(`flowchat:outbox:${fc.threadId}`) === null)
    expect(back.seen).toContain('offline')
    expect(back.seen.at(-1)).toBe('open')

    const upload = await page.evaluate(async () => {
      const progress: number[] = []
      fc.thread.messages$.subscribe((ms) => {
        const p = ms.at(-1)?.progress
        if (p !== undefined && progress.at(-1) !== p) progress.push(p)
      })
      const file = new File([new Uint8Array(2 * 1024 * 1024).fill(1)], 'dots.png', { type: 'image/png' })
      const states: string[] = []
      fc.thread.send({ type: 'upload', file }).subscribe((s) => states.push(s))
      const ms = await fc.when(
        fc.thread.messages$,
        (ms: { sender: string }[]) => ms.length === 6 && ms[5]?.sender === 'bot',
      )
      const own = (ms as ChatMessage[])[4]!
      return {
        progress,
        states,
        reply: fc.text((ms as ChatMessage[])[5]!),
        preview: own.templates[0],
      }
    })
    expect(upload.reply).toBe('Thanks for the image dots.png.')
    expect(upload.progress.at(-1)).toBe(1)
    expect(upload.states[0]).toBe('pending')
    expect(upload.preview).toMatchObject({ type: 'image', payload: { title: 'dots.png' } })
    expect((upload.preview?.payload as { url: string }).url).toMatch(/^blob:/)

    // A reload: the same thread from localStorage, its history from the relay.
    const threadId = await page.evaluate(() => fc.threadId)
    await page.reload()
    const reloaded = await open(context).then((p) =>
      p.evaluate(async () => {
        const ms = await fc.when(fc.thread.messages$, (ms: unknown[]) => ms.length >= 6)
        return {
          threadId: fc.threadId,
          transcript: (ms as ChatMessage[]).map((m) => `${m.sender}:${fc.text(m)}`),
        }
      }),
    )
    expect(reloaded.threadId).toBe(threadId)
    expect(reloaded.transcript.slice(0, 4)).toEqual([...first, ...back.transcript.slice(2)])
    await context.close()
  })

  it('fails a send a proxy redirects, which fetch gives as an opaque redirect (status 0), instead of following it', async () => {
    const proxy = await startRedirectingProxy(stack.relayUrl)
    const context = await browser.newContext()
    try {
      const page = await open(context, proxy.url)
      const sent = await page.evaluate(async () => {
        await fc.when(fc.thread.connection$, (c: { state: string }) => c.state === 'open')
        const states: string[] = []
        fc.thread.send({ type: 'text', text: 'redirected' }).subscribe((s) => states.push(s))
        const ms = await fc.when(fc.thread.messages$, (ms: ChatMessage[]) => ms[0]?.state === 'failed')
        return { states, error: ms[0]?.error }
      })
      expect(sent).toEqual({
        states: ['pending', 'failed'],
        error: 'invalid_response: The relay answered HTTP 0 (a redirect: check relayUrl).',
      })
      expect(proxy.redirected).toHaveLength(1)
    } finally {
      await context.close()
      await proxy.close()
    }
  })
})
