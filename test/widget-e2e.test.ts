// Issue 6's last "done when": the BUILT widget (dist/flow-chat.js, built here into a temp dir), served as a
// static file from its own origin, holds a conversation in Chromium through a real relay (CORS included) with
// the emulator as Flow.ai, and renders every reply template the emulator's `all` sends.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startEmulator, type Emulator } from '@flowchat/emulator'
import { createRelay, type Relay } from '@flowchat/relay'
import { chromiumLaunchOptions } from '@flowchat/demo/stack'
import { chromium, type Browser, type Locator, type Page } from 'playwright-core'
import { build } from 'vite'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startStaticServer, type StaticServer } from './support/static-server.js'

const widgetDir = fileURLToPath(new URL('../packages/widget/', import.meta.url))

/** The bot's extra rule: a template type no UI knows, so the widget must show the message's fallback text. */
const UNKNOWN_TYPE_RULE = {
  name: 'unknown template',
  match: { text: 'poll' },
  replies: [{ type: 'poll', payload: { title: 'Rate us from 1 to 5', options: [1, 2, 3, 4, 5] } }],
}

/** The bot's extra rule: a quick reply that triggers an event, whose label the visitor's bubble must show. */
const EVENT_CHIP_RULE = {
  name: 'event quick reply',
  match: { text: 'greet' },
  replies: [
    {
      type: 'text',
      payload: {
        text: 'How shall I greet you?',
        quickReplies: [{ label: 'Say good morning', value: 'GOOD_MORNING', type: 'event' }],
      },
    },
  ],
}

let dir: string | undefined
let site: StaticServer | undefined
let emulator: Emulator | undefined
let relay: Relay | undefined
let browser: Browser | undefined
let page: Page
let relayUrl: string

/** Uncaught exceptions in the page, console errors and failed requests to our own servers. */
const pageErrors: string[] = []
const consoleErrors: string[] = []
const failedRequests: string[] = []
/** Requests to anywhere else (none are expected: the emulator serves its sample media itself): blocked, and counted. */
const externalRequests: string[] = []
/** While the page reloads, the open event stream is cut on purpose. */
let reloading = false

/** Builds `flow-chat.js` with the widget's own Vite config, like `pnpm --filter @flowchat/widget build`. */
async function buildBundle(outDir: string): Promise<string> {
  await build({
    configFile: join(widgetDir, 'vite.config.ts'),
    root: widgetDir,
    logLevel: 'warn',
    build: { outDir },
  })
  return join(outDir, 'flow-chat.js')
}

function launchChromium(): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions())
}

const isLocal = (url: string) => {
  try {
    return new URL(url).hostname === '127.0.0.1'
  } catch {
    return false
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flow-chat-e2e-'))
  const bundle = await buildBundle(dir)
  site = await startStaticServer()
  emulator = await startEmulator({
    port: 0,
    replyDelayMs: 0,
    retry: { baseDelayMs: 50, maxDelayMs: 200 },
    script: { mode: 'extend', rules: [UNKNOWN_TYPE_RULE, EVENT_CHIP_RULE] },
  })
  relay = await createRelay({
    flowBaseUrl: emulator.restUrl,
    apiKey: emulator.apiKey,
    auth: 'raw',
    webhookSecret: `wh-${randomBytes(16).toString('hex')}`,
    tokenSecret: randomBytes(32).toString('hex'),
    anonymousSessions: true,
    corsOrigins: [site.origin],
  })
  relayUrl = await relay.listen()
  if (!relay.webhookUrl) throw new Error('the relay has no webhook URL after listen()')
  await emulator.addWebhook(relay.webhookUrl)
  expect(new URL(relayUrl).origin).not.toBe(site.origin)

  site.set('/flow-chat.js', { contentType: 'text/javascript', body: readFileSync(bundle) })
  site.set('/', {
    contentType: 'text/html; charset=utf-8',
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>flow-chat e2e</title>
<link rel="icon" href="data:,"><style>body{margin:0}flow-chat{display:block;height:700px}</style></head>
<body><script type="module" src="/flow-chat.js"></script>
<flow-chat relay="${relayUrl}" mode="inline"></flow-chat></body></html>`,
  })

  browser = await launchChromium()
  const context = await browser.newContext({ viewport: { width: 900, height: 760 } })
  // Hermetic: nothing leaves the machine, whatever a reply links to.
  await context.route(
    (url) => !isLocal(url.href),
    (route) => {
      externalRequests.push(route.request().url())
      return route.abort('blockedbyclient')
    },
  )
  page = await context.newPage()
  // Generous for a busy machine; every wait below is on a condition, never on a clock.
  page.setDefaultTimeout(30_000)
  page.on('pageerror', (e) => pageErrors.push(e.stack ?? e.message))
  page.on('console', (m) => {
    if (m.type() === 'error' && isLocal(m.location().url || site?.origin || '')) {
      consoleErrors.push(`${m.text()} (${m.location().url})`)
    }
  })
  page.on('requestfailed', (r) => {
    if (!isLocal(r.url())) return
    const error = r.failure()?.errorText ?? ''
    // A reload cuts the open SSE stream; that is the navigation, not a failure.
    if (reloading && error === 'net::ERR_ABORTED') return
    failedRequests.push(`${r.method()} ${r.url()}: ${error}`)
  })
  page.on('response', (r) => {
    if (isLocal(r.url()) && r.status() >= 400) failedRequests.push(`${r.status()} ${r.url()}`)
  })
}, 180_000)

afterEach(() => {
  // Taken and cleared, so a failure is reported by the test during which it happened, and only there.
  const take = (list: string[]) => list.splice(0)
  expect(take(pageErrors), 'uncaught errors in the page').toEqual([])
  expect(take(consoleErrors), 'console errors').toEqual([])
  expect(take(failedRequests), 'failed requests to the page, relay or emulator').toEqual([])
  // Nothing loads from elsewhere: the widget and every sample the bot sends (the video too) come from here.
  expect(take(externalRequests)).toEqual([])
})

afterAll(async () => {
  // Each step on its own: one failing must not leave the others running.
  const steps = [
    () => browser?.close(),
    () => site?.close(),
    () => relay?.close(),
    () => emulator?.close(),
    () => dir && rmSync(dir, { recursive: true, force: true }),
  ]
  for (const step of steps) {
    try {
      await step()
    } catch (error) {
      console.error('cleanup failed:', error)
    }
  }
}, 60_000)

const widget = () => page.locator('flow-chat')
const botMessages = () => widget().locator('[part~="message-bot"]')
const visitorMessages = () => widget().locator('[part~="message-visitor"]')
const composer = () => widget().locator('textarea[part="input"]')
const visible = (locator: Locator) => locator.waitFor({ state: 'visible' })

async function say(text: string): Promise<void> {
  await composer().fill(text)
  await composer().press('Enter')
}

/** The visitor's own message with exactly this text, once it is in the transcript. */
async function ownMessage(text: string): Promise<Locator> {
  const message = visitorMessages().filter({
    has: page.locator('.text').getByText(text, { exact: true }),
  })
  await visible(message)
  return message
}

/** `message part|bubble class|visible text` of every bubble, to compare the transcript before and after a reload. */
const transcript = () =>
  widget()
    .locator('[part~="message"]')
    .evaluateAll((messages: Element[]) =>
      messages.flatMap((m) =>
        [...m.querySelectorAll('.bubble')].map(
          (b) =>
            `${m.getAttribute('part')}|${b.className}|${(b as HTMLElement).innerText.replace(/\s+/g, ' ').trim()}`,
        ),
      ),
    )

const storedThreadId = () =>
  page.evaluate(() => {
    const key = Object.keys(localStorage).find((k) => k.startsWith('flowchat:session:'))
    const session = key ? (JSON.parse(localStorage.getItem(key) ?? '{}') as { threadId?: string }) : {}
    return session.threadId
  })

describe('the built <flow-chat>, served as a static file, against relay + emulator in Chromium', () => {
  let threadId: string | undefined

  it('loads from its own origin and opens an anonymous session at the relay across origins', async () => {
    await page.goto(`${site?.origin}/`)
    await page.waitForFunction(() => customElements.get('flow-chat') !== undefined)
    // The composer is enabled once the session (a cross-origin POST /v1/sessions) gave a thread.
    await page.waitForFunction(() => {
      const area = document.querySelector('flow-chat')?.shadowRoot?.querySelector('textarea')
      return area !== null && area !== undefined && !area.disabled
    })
    threadId = await storedThreadId()
    expect(threadId).toMatch(/\S/)
  }, 90_000)

  it('sends `all`: the own message ends delivered and every reply template renders', async () => {
    await say('all')
    const own = await ownMessage('all')
    await visible(own.locator('.status-delivered', { hasText: 'Delivered' }))

    // The last of the parts (list) arriving means the earlier ones arrived: one thread is delivered in order.
    await visible(botMessages().locator('[part="list"]'))
    const types = await botMessages()
      .locator('.bubble')
      .evaluateAll((els: Element[]) => els.map((e) => e.className.replace('bubble bubble-', '')))
    expect(types).toEqual([
      'text',
      'text',
      'image',
      'video',
      'audio',
      'file',
      'location',
      'card',
      'buttons',
      'carousel',
      'list',
    ])

    // text
    await visible(botMessages().getByText('Here is every reply template:', { exact: true }))
    // text with quick replies: its text (the chips belong to the last bot message only, tested below)
    await visible(botMessages().getByText('Pick one:', { exact: true }))

    // image, from the emulator's origin, really loaded (scrolled to: it is lazy)
    const image = botMessages().locator('.bubble-image img')
    await image.scrollIntoViewIfNeeded()
    await visible(image)
    // The caption below names the image: the alt text does not say it twice.
    expect(await image.getAttribute('alt')).toBe('')
    expect(await image.getAttribute('src')).toBe(`${emulator?.url}/media/sample/image.svg`)
    await image.evaluate((img: HTMLImageElement) => img.decode())
    expect(await image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0)
    await visible(botMessages().locator('.bubble-image figcaption', { hasText: 'A sample image' }))

    // video and its poster, both from the emulator
    const video = botMessages().locator('.bubble-video video[controls]')
    await visible(video)
    expect(await video.getAttribute('aria-label')).toBe('A sample video')
    expect(await video.getAttribute('src')).toBe(`${emulator?.url}/media/sample/video.webm`)
    expect(await video.getAttribute('poster')).toBe(`${emulator?.url}/media/sample/image.svg`)

    // audio
    const audio = botMessages().locator('.bubble-audio audio[controls]')
    await visible(audio)
    expect(await audio.getAttribute('aria-label')).toBe('A sample tone')
    expect(await audio.getAttribute('src')).toBe(`${emulator?.url}/media/sample/audio.wav`)

    // file: a download link
    const file = botMessages().locator('a[part="file"]')
    await visible(file)
    expect(await file.innerText()).toContain('sample.txt')
    expect(await file.getAttribute('href')).toBe(`${emulator?.url}/media/sample/file.txt`)

    // location: a map link
    const location = botMessages().locator('a[part="location"]')
    await visible(location)
    expect(await location.innerText()).toContain('Flow.ai, Amsterdam')
    const map = new URL((await location.getAttribute('href')) ?? '')
    expect(map.hostname).toMatch(/openstreetmap\.org$/)
    expect(map.href).toContain('52.3676')
    expect(map.href).toContain('4.9041')

    // card: media, title, subtitle, a url button and a postback button
    const card = botMessages().locator('.bubble-card [part="card"]')
    await visible(card)
    expect(await card.getAttribute('aria-label')).toBe('A card')
    await visible(card.getByRole('heading', { name: 'A card' }))
    await visible(card.getByText('With an image and buttons', { exact: true }))
    await visible(card.locator('img.card-media'))
    const link = card.getByRole('link', { name: 'Open flow.ai' })
    await visible(link)
    expect(await link.getAttribute('href')).toBe('https://flow.ai/')
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer')
    await visible(card.getByRole('button', { name: 'Say hello' }))

    // buttons: postback, event, phone
    const buttons = botMessages().locator('.bubble-buttons')
    await visible(buttons.getByText('Some buttons', { exact: true }))
    await visible(buttons.getByRole('button', { name: 'Show a carousel' }))
    await visible(buttons.getByRole('button', { name: 'Trigger WELCOME' }))
    const call = buttons.getByRole('link', { name: 'Call us' })
    await visible(call)
    expect(await call.getAttribute('href')).toBe('tel:+31201234567')

    // carousel: three cards in a scrollable, focusable track
    const carousel = botMessages().locator('[part="carousel"]')
    await visible(carousel)
    const items = carousel.getByRole('listitem')
    expect(await items.count()).toBe(3)
    for (const n of [1, 2, 3]) {
      await items.nth(n - 1).scrollIntoViewIfNeeded()
      await visible(carousel.getByRole('heading', { name: `Card ${n}` }))
      await visible(carousel.getByRole('button', { name: `Pick ${n}` }))
    }
    expect(await carousel.locator('.carousel-track').getAttribute('tabindex')).toBe('0')

    // list: a featured item with media, plain items, an item button and the list's own button
    const list = botMessages().locator('[part="list"]')
    await visible(list.locator('.list-item.featured', { hasText: 'Featured item' }))
    await visible(list.locator('.list-item.featured img.card-media'))
    await visible(list.getByText('Second item', { exact: true }))
    await visible(list.getByText('Third item', { exact: true }))
    await visible(list.getByRole('button', { name: 'Choose' }))
    await visible(list.getByRole('button', { name: 'More' }))
  }, 90_000)

  it('keeps following the conversation while every reply template and its media load', async () => {
    // A visitor of their own (a fresh thread) who never scrolls: images, the video's metadata and cards grow after
    // the jump to the bottom, and the transcript must stay on the newest message without a "new messages" cue.
    const context = await browser!.newContext({ viewport: { width: 900, height: 760 } })
    await context.route(
      (url) => !isLocal(url.href),
      (route) => route.abort('blockedbyclient'),
    )
    const visitor = await context.newPage()
    visitor.setDefaultTimeout(30_000)
    try {
      await visitor.goto(`${site?.origin}/`)
      const chat = visitor.locator('flow-chat')
      const area = chat.locator('textarea[part="input"]')
      await visitor.waitForFunction(() => {
        const area = document.querySelector('flow-chat')?.shadowRoot?.querySelector('textarea')
        return area !== null && area !== undefined && !area.disabled
      })
      const scrolledOff = async () => {
        await visitor.waitForFunction(() => {
          const root = document.querySelector('flow-chat')?.shadowRoot
          const images = [...(root?.querySelectorAll('img') ?? [])].every((img) => img.complete)
          const videos = [...(root?.querySelectorAll('video') ?? [])].every((v) => v.readyState >= 1)
          return images && videos
        })
        // Settled: two frames in which the scroll position no longer moves.
        return chat.locator('.transcript').evaluate(async (el: HTMLElement) => {
          const frame = () => new Promise((resolve) => requestAnimationFrame(resolve))
          for (let last = -1; last !== el.scrollTop;) {
            last = el.scrollTop
            await frame()
            await frame()
          }
          return el.scrollHeight - el.scrollTop - el.clientHeight
        })
      }
      // Each word with how many bubbles the bot has shown once it answered (help answers with two).
      for (const [text, bubbles] of [
        ['help', 2],
        ['image', 3],
        ['help', 5],
        ['video', 6],
        ['all', 17],
      ] as const) {
        await area.fill(text)
        await area.press('Enter')
        await visible(chat.locator('[part~="message-bot"] .bubble').nth(bubbles - 1))
        expect(await scrolledOff(), `after "${text}"`).toBeLessThan(48)
        expect(await chat.locator('[part="new-messages"]').count(), `after "${text}"`).toBe(0)
      }
    } finally {
      await context.close()
    }
  }, 90_000)

  it('a postback button, an event button and a quick reply chip each get their answer', async () => {
    // postback: sends its value as the visitor's text; the bot answers with another carousel
    await botMessages().locator('.bubble-buttons').getByRole('button', { name: 'Show a carousel' }).click()
    await visible(await ownMessage('carousel'))
    await visible(botMessages().locator('[part="carousel"]').nth(1))

    // event: triggers the event at Flow.ai through the relay; the bot acknowledges it. The visitor's bubble
    // shows the button's label, not the event name.
    await botMessages().locator('.bubble-buttons').getByRole('button', { name: 'Trigger WELCOME' }).click()
    await visible(await ownMessage('Trigger WELCOME'))
    await visible(botMessages().getByText('Received the event WELCOME.', { exact: true }))
    expect(await visitorMessages().getByText('WELCOME', { exact: true }).count()).toBe(0)

    // quick replies: chips above the composer for the last bot message; one click sends its value
    await say('quick')
    await visible(await ownMessage('quick'))
    const chips = widget().locator('[part="quick-replies"]')
    await visible(chips)
    for (const label of ['Image', 'Card', 'Talk to a human', 'Share location']) {
      await visible(chips.getByRole('button', { name: label, exact: true }))
    }
    await chips.getByRole('button', { name: 'Card', exact: true }).click()
    await visible(await ownMessage('card'))
    await visible(botMessages().locator('.bubble-card').nth(1))
    // The chips belong to the message that offered them: gone once the bot answered something else.
    await chips.waitFor({ state: 'detached' })

    // An event quick reply: its label in the visitor's bubble, the event at the bot.
    await say('greet')
    await visible(await ownMessage('greet'))
    await chips.getByRole('button', { name: 'Say good morning', exact: true }).click()
    await visible(await ownMessage('Say good morning'))
    await visible(botMessages().getByText('Received the event GOOD_MORNING.', { exact: true }))
    expect(await visitorMessages().getByText('GOOD_MORNING', { exact: true }).count()).toBe(0)
  }, 90_000)

  it('a template type the widget does not know shows the message fallback text', async () => {
    await say('poll')
    const fallback = botMessages().locator('.fallback', { hasText: 'Rate us from 1 to 5' })
    await visible(fallback)
    expect(await fallback.innerText()).toBe('Rate us from 1 to 5')
  }, 90_000)

  it('a reload continues the same conversation (anonymous session kept in localStorage)', async () => {
    await visible(await ownMessage('poll'))
    await visible(visitorMessages().last().locator('.status-delivered'))
    const before = await transcript()
    expect(before.length).toBeGreaterThan(15)

    reloading = true
    try {
      await page.reload()
    } finally {
      reloading = false
    }
    await page.waitForFunction(() => customElements.get('flow-chat') !== undefined)
    // History comes back from the relay; wait for the last message, then compare everything.
    await visible(botMessages().locator('.fallback', { hasText: 'Rate us from 1 to 5' }))
    await visible(botMessages().locator('[part="list"]'))
    expect(await storedThreadId()).toBe(threadId)
    const after = await transcript()
    // Every message reads the same after the reload, the visitor's events too: they show the label of the button
    // or chip clicked, live and from history (the relay puts it back on Flow.ai's history), never the event name.
    expect(before).toContain('message message-visitor|bubble bubble-text|Trigger WELCOME')
    expect(before).toContain('message message-visitor|bubble bubble-text|Say good morning')
    expect(before).not.toContain('message message-visitor|bubble bubble-text|WELCOME')
    expect(before).not.toContain('message message-visitor|bubble bubble-text|GOOD_MORNING')
    expect(after).toEqual(before)

    // And the conversation goes on in the same thread.
    await say('still here?')
    await visible(botMessages().getByText('You said: still here?', { exact: true }))
    expect(emulator?.thread(threadId ?? '')?.history.length).toBeGreaterThan(10)
  }, 90_000)

  it("another tab of the session shows an event's label live, from the relay's sent event", async () => {
    const other = await page.context().newPage()
    other.setDefaultTimeout(30_000)
    try {
      await other.goto(`${site?.origin}/`)
      const chips = (p: Page) => p.locator('flow-chat').locator('[part="quick-replies"]')
      const greeted = (p: Page) =>
        p
          .locator('flow-chat')
          .locator('[part~="message-visitor"]')
          .filter({ has: p.locator('.text').getByText('Say good morning', { exact: true }) })
      // The other tab has the transcript (history) once the chips of its last bot message are there.
      await say('greet')
      await visible(chips(other).getByRole('button', { name: 'Say good morning', exact: true }))
      expect(await greeted(other).count()).toBe(1)
      await chips(page).getByRole('button', { name: 'Say good morning', exact: true }).click()
      await visible(greeted(page).nth(1))
      await visible(greeted(other).nth(1))
      const texts = await other
        .locator('flow-chat')
        .locator('[part~="message-visitor"] .text')
        .allInnerTexts()
      expect(texts).not.toContain('GOOD_MORNING')
    } finally {
      await other.close()
    }
  }, 90_000)

  it('a thread-id without its token starts an anonymous session of its own, not a 403 on the other thread', async () => {
    // A fresh visitor (no stored session) on a page that names a thread but gives no token for it.
    site?.set('/named-thread', {
      contentType: 'text/html; charset=utf-8',
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>thread-id only</title>
<link rel="icon" href="data:,"></head><body><script type="module" src="/flow-chat.js"></script>
<flow-chat relay="${relayUrl}" mode="inline" thread-id="${threadId}"></flow-chat></body></html>`,
    })
    const context = await browser!.newContext()
    const other = await context.newPage()
    other.setDefaultTimeout(30_000)
    try {
      await other.goto(`${site?.origin}/named-thread`)
      const chat = other.locator('flow-chat')
      await chat.locator('textarea').fill('hello there')
      await chat.locator('textarea').press('Enter')
      await visible(chat.locator('[part~="message-bot"]').getByText('You said: hello there', { exact: true }))
      expect(await chat.locator('[part~="banner-failed"]').count()).toBe(0)
      const ownThread = await other.evaluate(() => {
        const key = Object.keys(localStorage).find((k) => k.startsWith('flowchat:session:'))
        return key
          ? (JSON.parse(localStorage.getItem(key) ?? '{}') as { threadId?: string }).threadId
          : undefined
      })
      expect(ownThread).toMatch(/\S/)
      expect(ownThread).not.toBe(threadId)
      // The named thread's transcript never reached this visitor.
      expect(await chat.locator('[part~="message-visitor"]').count()).toBe(1)
    } finally {
      await context.close()
    }
  }, 90_000)
})
