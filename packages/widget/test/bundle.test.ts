// The built file, not the sources: one ES module that registers <flow-chat> and renders every template in
// Chromium. web-test-runner cannot build first, so this Node test builds into a temp dir and drives Chromium.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import type { Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sampleTemplates } from '../src/testing/samples.ts'
import { BUNDLE_BUDGET_BYTES, gzipBytes } from '../scripts/size-budget.ts'
import { WIDGET_CONTROLLER_NAMES } from '../scripts/internal-names.ts'
import { buildBundle, launchChromium, servePage } from './bundle-page.ts'

let dir: string
let bundle: string
let server: Server
let browser: Browser
let page: Page

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flow-chat-bundle-'))
  bundle = await buildBundle(dir)
  const served = await servePage(bundle)
  server = served.server
  browser = await launchChromium()
  page = await browser.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(served.url)
  await page.waitForFunction(() => customElements.get('flow-chat') !== undefined)
  expect(errors).toEqual([])
}, 120_000)

afterAll(async () => {
  await browser?.close()
  server?.close()
  rmSync(dir, { recursive: true, force: true })
})

async function mount(messages: unknown[]) {
  await page.evaluate(async (messages) => {
    document.querySelector('flow-chat')?.remove()
    const fake = (
      window as unknown as { makeFake(): { chat: unknown; messages$: { next(v: unknown): void } } }
    ).makeFake()
    const el = Object.assign(document.createElement('flow-chat'), {
      chat: fake.chat,
    }) as unknown as HTMLElement & {
      updateComplete: Promise<boolean>
    }
    el.setAttribute('mode', 'inline')
    document.body.append(el)
    await new Promise((r) => setTimeout(r, 10))
    fake.messages$.next(messages)
    ;(window as unknown as { fake: unknown }).fake = fake
    await el.updateComplete
  }, messages)
}

describe('dist/flow-chat.js', () => {
  it('is one self-contained ES module within the size budget', () => {
    const code = readFileSync(bundle, 'utf8')
    expect(code).not.toMatch(/^\s*import\s|from\s*["'](lit|rxjs|@flowchat)/m)
    expect(code).not.toContain('Lit is in dev mode')
    expect(gzipBytes(readFileSync(bundle))).toBeLessThanOrEqual(BUNDLE_BUDGET_BYTES)
  })

  it("holds RxJS's global config as constants and no unused RxJS members (scripts/sealed-rxjs.ts)", () => {
    const code = readFileSync(bundle, 'utf8')
    expect(code).not.toMatch(/useDeprecated|onStoppedNotification|onUnhandledError|toPromise|lift\(/)
  })

  it('renames no name a DOM object has (scripts/internal-names.ts)', async () => {
    const clashes = await page.evaluate((names: readonly string[]) => {
      const objects: object[] = [window, document, navigator, location, history, localStorage, console, JSON]
      for (const value of Object.getOwnPropertyNames(window).map((k) => (window as never)[k] as unknown))
        if (typeof value === 'function' && value.prototype) objects.push(value.prototype as object)
      return names.filter((name) => objects.some((o) => name in o))
    }, WIDGET_CONTROLLER_NAMES)
    expect(clashes).toEqual([])
  })

  it("offers none of Lit's global polyfill, hydration and version hooks (scripts/sealed-lit.ts)", () => {
    const code = readFileSync(bundle, 'utf8')
    expect(code).not.toMatch(/PolyfillSupport|HydrateSupport|Versions\?\?=/)
  })

  it('renders every reply template', async () => {
    const templates = Object.values(sampleTemplates())
    await mount([
      { id: 'a', sender: 'bot', createdAt: Date.now(), templates, own: false, fallback: 'See the app' },
    ])
    const types = await page
      .locator('flow-chat [part=bubble]')
      .evaluateAll((els: Element[]): string[] => els.map((e) => e.className))
    expect(types.map((c) => c.replace('bubble bubble-', ''))).toEqual(templates.map((t) => t.type))
    const texts = await page
      .locator('flow-chat')
      .evaluate((el: Element): string => el.shadowRoot?.textContent ?? '')
    for (const part of [
      'Second line.',
      'Some buttons',
      'A card',
      'Card 3',
      'Featured item',
      'report.pdf',
      'Flow.ai, Amsterdam',
      'See the app',
    ]) {
      expect(texts).toContain(part)
    }
  })

  it('sends from the keyboard and shows hostile text as text', async () => {
    const evil = '<img src=x onerror="window.pwned=1"> javascript:window.pwned=1'
    await mount([
      {
        id: 'b',
        sender: 'bot',
        createdAt: Date.now(),
        own: false,
        templates: [
          { type: 'text', payload: { text: evil } },
          { type: 'image', payload: { url: 'javascript:window.pwned=1' } },
        ],
      },
    ])
    expect(
      await page.evaluate(
        () => document.querySelector('flow-chat')!.shadowRoot!.querySelectorAll('img, a').length,
      ),
    ).toBe(0)
    await page.locator('flow-chat textarea').fill('hi there')
    await page.locator('flow-chat textarea').press('Enter')
    expect(await page.evaluate(() => (window as unknown as { fake: { sent: unknown[] } }).fake.sent)).toEqual(
      [{ type: 'text', text: 'hi there' }],
    )
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined()
  })

  it('keeps following the newest message when an image loads late, and offers new messages once scrolled up', async () => {
    const texts = Array.from({ length: 30 }, (_, i) => ({
      id: `t${i}`,
      sender: 'bot',
      createdAt: Date.now(),
      own: false,
      templates: [{ type: 'text', payload: { text: `Line ${i}` } }],
    }))
    await mount(texts)
    const atBottom = () =>
      page.evaluate(() => {
        const t = document.querySelector('flow-chat')!.shadowRoot!.querySelector<HTMLElement>('.transcript')!
        return t.scrollHeight - t.scrollTop - t.clientHeight < 2
      })
    await page.evaluate(() => {
      const w = window as unknown as { fake: { messages$: { value: unknown[]; next(v: unknown): void } } }
      const image = {
        id: 'img',
        sender: 'bot',
        createdAt: Date.now(),
        own: false,
        templates: [{ type: 'image', payload: { url: `${location.origin}/late-image.svg`, title: 'Late' } }],
      }
      w.fake.messages$.next([...w.fake.messages$.value, image])
    })
    await page.waitForFunction(() => {
      const img = document.querySelector('flow-chat')!.shadowRoot!.querySelector('img')
      return img !== null && img.complete && img.naturalHeight > 0
    })
    await expect.poll(atBottom).toBe(true)

    // The visitor scrolls up themselves: new messages wait behind a cue instead of moving the view.
    await page.locator('flow-chat .transcript').hover()
    await page.mouse.wheel(0, -600)
    await expect.poll(atBottom).toBe(false)
    await page.evaluate(() => {
      const w = window as unknown as { fake: { messages$: { value: unknown[]; next(v: unknown): void } } }
      const one = { id: 'n1', sender: 'bot', createdAt: Date.now(), own: false, templates: [] }
      w.fake.messages$.next([...w.fake.messages$.value, one])
    })
    await page.locator('flow-chat .new-messages').click()
    await expect.poll(atBottom).toBe(true)
    expect(await page.locator('flow-chat .new-messages').count()).toBe(0)
  })

  it('shows an image that does not load as text, without the broken-image icon or the title twice', async () => {
    const missing = (title?: string) => ({
      id: `x${title ?? ''}`,
      sender: 'bot',
      createdAt: Date.now(),
      own: false,
      templates: [
        {
          type: 'image',
          payload: { url: `http://127.0.0.1:1/missing-${title ?? 'x'}.png`, ...(title ? { title } : {}) },
        },
      ],
    })
    await mount([missing('A chart'), missing()])
    await page.waitForFunction(
      () => document.querySelector('flow-chat')!.shadowRoot!.querySelectorAll('.broken').length === 2,
    )
    const shown = await page.evaluate(() =>
      [...document.querySelector('flow-chat')!.shadowRoot!.querySelectorAll('[part=media]')].map((f) => ({
        img: (f.querySelector('img') as HTMLElement).offsetHeight,
        text: (f as HTMLElement).innerText.trim(),
      })),
    )
    expect(shown).toEqual([
      { img: 0, text: 'A chart' },
      { img: 0, text: 'The image could not be loaded.' },
    ])
  })

  it('shows a card whose image answers with a web page by its title alone, said once', async () => {
    // The page server answers any unknown path with HTML, as a CDN's error page or a login wall does.
    await mount([
      {
        id: 'c',
        sender: 'bot',
        createdAt: Date.now(),
        own: false,
        templates: [
          {
            type: 'card',
            payload: { title: 'Shoes', media: { url: `${page.url()}shoes.png`, type: 'image' } },
          },
        ],
      },
    ])
    const img = page.locator('flow-chat .card-media')
    await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.complete)).toBe(true)
    await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.offsetHeight)).toBe(0)
    // The card's heading names it: an alt text would say the title a second time.
    expect(await img.getAttribute('alt')).toBe('')
    expect(await page.locator('flow-chat [part=card]').innerText()).toBe('Shoes')
  })

  it('paints every icon button of the open window: the close button, attach, location and send', async () => {
    // The close button once held a stroke-only SVG path under the styles' `fill: currentColor`: a focus ring
    // around nothing, and no visible way out of the full-screen window on a phone.
    await page.evaluate(async () => {
      document.querySelector('flow-chat')?.remove()
      const fake = (window as unknown as { makeFake(): { chat: unknown } }).makeFake()
      const el = Object.assign(document.createElement('flow-chat'), { chat: fake.chat })
      el.setAttribute('open', '')
      document.body.append(el)
      await (el as unknown as { updateComplete: Promise<boolean> }).updateComplete
    })
    const inked: Record<string, number> = {}
    for (const selector of ['.close', '[part=attach]', '[part=location]', '[part=send]']) {
      const box = await page.locator(`flow-chat ${selector}`).boundingBox()
      expect(box, selector).not.toBeNull()
      const png = (await page.screenshot({ clip: box! })).toString('base64')
      // Pixels that differ from the button's corner (its background) by more than a faint shade.
      inked[selector] = await page.evaluate(async (data) => {
        const image = new Image()
        image.src = `data:image/png;base64,${data}`
        await image.decode()
        const canvas = document.createElement('canvas')
        canvas.width = image.width
        canvas.height = image.height
        const context = canvas.getContext('2d')!
        context.drawImage(image, 0, 0)
        const { data: px } = context.getImageData(0, 0, image.width, image.height)
        let count = 0
        for (let i = 0; i < px.length; i += 4) {
          const d = Math.abs(px[i]! - px[0]!) + Math.abs(px[i + 1]! - px[1]!) + Math.abs(px[i + 2]! - px[2]!)
          if (d > 60) count++
        }
        return count
      }, png)
    }
    for (const [selector, count] of Object.entries(inked)) expect(count, selector).toBeGreaterThan(10)
  })
})
