// One stream per browser: eight tabs of one visitor (one browser context, so one localStorage, one session)
// elect a leader that holds the only SSE connection and relays to the others. The relay caps streams per token
// at 5, so one stream per tab would leave three tabs without replies. Closing the leader hands the stream over.
import type { ChatMessage, FlowChat, FlowChatOptions, ThreadHandle } from '@flowchat/core'
import { chromiumLaunchOptions } from '@flowchat/demo/stack'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startStack, type Stack } from './client-stack.js'
import { serveClientPage, type ClientPage } from './support/client-page.js'

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

type Tab = {
  thread: ThreadHandle
  bots: () => string[]
  states: string[]
  when: (ok: () => boolean) => Promise<void>
}
declare const tab: Tab

/** Opens a tab of the visitor's site with the client watching the visitor's thread. */
async function openTab(page: Page): Promise<void> {
  page.on('pageerror', (error) => console.error(`[page] ${error.message}`))
  await page.goto(pageUrl)
  await page.waitForFunction(() => 'createFlowChat' in window)
  await page.evaluate(async (relayUrl) => {
    const create = (window as unknown as { createFlowChat: (o: FlowChatOptions) => FlowChat }).createFlowChat
    const chat = create({ relayUrl })
    const { threadId } = await chat.session()
    const thread = chat.thread(threadId)
    let messages: readonly ChatMessage[] = []
    const waiters = new Set<() => void>()
    const states: string[] = []
    thread.connection$.subscribe((c) => {
      states.push(c.state === 'reconnecting' ? `reconnecting: ${c.reason}` : c.state)
      for (const w of waiters) w()
    })
    thread.messages$.subscribe((ms) => {
      messages = ms
      for (const w of waiters) w()
    })
    const bots = () =>
      messages
        .filter((m) => m.sender === 'bot')
        .map((m) => (m.templates[0]?.type === 'text' ? m.templates[0].payload.text : '?'))
    const when = (ok: () => boolean) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (!ok()) return
          waiters.delete(check)
          resolve()
        }
        waiters.add(check)
        check()
      })
    Object.assign(window, { tab: { thread, bots, states, when } })
  }, stack.relayUrl)
}

describe('one stream per browser', () => {
  it('eight tabs of one visitor share one stream; every tab shows the reply; closing the leader hands over', async () => {
    const context = await browser.newContext()
    const streams: Page[] = []
    context.on('request', (request) => {
      if (/\/v1\/threads\/[^/]+\/events/.test(request.url())) streams.push(request.frame().page())
    })
    const pages: Page[] = []
    for (let i = 0; i < 8; i++) {
      const page = await context.newPage()
      await openTab(page)
      pages.push(page)
    }
    await Promise.all(pages.map((p) => p.evaluate(() => tab.when(() => tab.states.at(-1) === 'open'))))
    expect(streams).toHaveLength(1)

    await pages[7]!.evaluate(() => void tab.thread.send({ type: 'text', text: 'from the last tab' }))
    const first = await Promise.all(
      pages.map((p) =>
        p.evaluate(async () => {
          await tab.when(() => tab.bots().length === 1)
          return tab.bots()
        }),
      ),
    )
    expect(first).toEqual(Array(8).fill(['You said: from the last tab']))

    const leader = streams[0]!
    const others = pages.filter((p) => p !== leader)
    await leader.close()
    await others[0]!.evaluate(() => void tab.thread.send({ type: 'text', text: 'after the hand-over' }))
    const second = await Promise.all(
      others.map((p) =>
        p.evaluate(async () => {
          await tab.when(() => tab.bots().length === 2)
          return { bots: tab.bots(), states: tab.states }
        }),
      ),
    )
    for (const tabSeen of second) {
      expect(tabSeen.bots).toEqual(['You said: from the last tab', 'You said: after the hand-over'])
      expect(tabSeen.states.filter((s) => /429/.test(s))).toEqual([])
    }
    expect(streams).toHaveLength(2)
    expect(streams[1]).not.toBe(leader)
    await context.close()
  }, 90_000)
})
