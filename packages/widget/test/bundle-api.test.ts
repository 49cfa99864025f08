// The page API (src/api.browser.test.ts) against the BUILT file: its minifier renames internal property names
// across the whole bundle (vite.config.ts INTERNAL_PROPERTIES), which the source tests never see. Every method,
// property, attribute, event and export a page uses is driven here in Chromium, each with what it should do.
import { mkdtempSync, rmSync } from 'node:fs'
import type { Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { buildBundle, launchChromium, servePage } from './bundle-page.ts'

/** What the page's helper script (below) offers the tests, as `window.bundleApi`. */
interface PageHelpers {
  el: FlowChat
  fake: Fake
  /** Every flow-chat event the document saw since the last `mount`, in order, with its payload. */
  seen: { type: string; [key: string]: unknown }[]
  mount: (options?: { mode?: string }) => Promise<void>
  settle: () => Promise<void>
  bot: (id: string, text: string, createdAt?: number) => unknown
  shadow: (selector: string) => Element | null
  oscillators: number
}
/** `<flow-chat>` as a page sees it (the bundle ships no types to this test). */
type FlowChat = HTMLElement & {
  open(): void
  close(): void
  toggle(): void
  send(text: string): void
  reset(): void
  updateComplete: Promise<boolean>
  chat: unknown
  visitor: unknown
  strings: Record<string, string> | undefined
  locale: string | undefined
  opened: boolean
  mode: string
  position: string
  offset: string | undefined
  sound: boolean
  notify: boolean
  heading: string
}
interface Fake {
  sent: unknown[]
  calls: { sessions: number; threads: number; resets: number; closes: number }
  messages$: { value: unknown[]; next(v: unknown): void }
  connection$: { next(v: unknown): void }
}
interface FlowChatModule {
  registerLocale(language: string, strings: Record<string, string>): void
}
type Win = Window & { bundleApi: PageHelpers; makeFake(): Fake; earlyFake: Fake }

const EVENTS = [
  'flow-chat-opened',
  'flow-chat-closed',
  'flow-chat-message-sent',
  'flow-chat-message-received',
  'flow-chat-unread-changed',
  'flow-chat-connection-changed',
]

/** Runs in the page after the bundle loaded. Plain JS: it is the page's own code, as a site would write it. */
const helpers = `
const api = window.bundleApi = { el: null, fake: null, seen: [], oscillators: 0 }
for (const type of ${JSON.stringify(EVENTS)}) {
  document.addEventListener(type, (e) => {
    const entry = { type }
    if ('detail' in e) entry.detail = e.detail
    if ('message' in e) entry.message = e.message && e.message.id
    if ('count' in e) entry.count = e.count
    if ('connection' in e) entry.state = e.connection && e.connection.state
    api.seen.push(entry)
  })
}
const createOscillator = AudioContext.prototype.createOscillator
AudioContext.prototype.createOscillator = function () { api.oscillators++; return createOscillator.call(this) }
api.settle = async () => {
  await api.el.updateComplete
  await new Promise((r) => setTimeout(r, 0))
  await api.el.updateComplete
}
api.mount = async ({ mode = 'launcher' } = {}) => {
  document.querySelector('flow-chat')?.remove()
  sessionStorage.clear()
  const fake = makeFake()
  const el = document.createElement('flow-chat')
  el.chat = fake.chat
  el.locale = 'en'
  el.setAttribute('mode', mode)
  document.body.append(el)
  api.el = el
  api.fake = fake
  while (fake.calls.threads === 0) await new Promise((r) => setTimeout(r, 5))
  await api.settle()
  api.seen = []
}
api.bot = (id, text, createdAt = Date.now()) =>
  ({ id, sender: 'bot', createdAt, own: false, templates: [{ type: 'text', payload: { text } }] })
api.shadow = (selector) => api.el.shadowRoot.querySelector(selector)
`

/** Page markup that sets the element's properties before the bundle defines it, as a page's inline script may. */
const early = `<flow-chat id="early"></flow-chat><script>
  window.earlyFake = makeFake()
  Object.assign(document.getElementById('early'), {
    chat: earlyFake.chat, opened: true, mode: 'launcher', heading: 'Early help', strings: { send: 'Go' },
    locale: 'nl', position: 'bottom-left', offset: '40px', visitor: { name: 'Ada' }, notify: true, sound: true,
  })
</script>`

let dir: string
let servers: Server[] = []
let browser: Browser
let page: Page
let earlyUrl: string
const errors: string[] = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flow-chat-bundle-api-'))
  const bundle = await buildBundle(dir)
  const plain = await servePage(bundle)
  const withEarly = await servePage(bundle, early)
  servers = [plain.server, withEarly.server]
  earlyUrl = withEarly.url
  browser = await launchChromium()
  page = await browser.newPage()
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(plain.url)
  await page.waitForFunction(() => customElements.get('flow-chat') !== undefined)
  await page.addScriptTag({ content: helpers })
}, 120_000)

afterAll(async () => {
  await browser?.close()
  for (const s of servers) s.close()
  rmSync(dir, { recursive: true, force: true })
})

beforeEach(() => {
  errors.length = 0
  return () => expect(errors).toEqual([])
})

const seen = () => page.evaluate(() => (window as unknown as Win).bundleApi.seen)
const sent = () => page.evaluate(() => (window as unknown as Win).bundleApi.fake.sent)
const calls = () => page.evaluate(() => (window as unknown as Win).bundleApi.fake.calls)
const shadowText = (selector: string) =>
  page.evaluate(
    (selector) => (window as unknown as Win).bundleApi.shadow(selector)?.textContent?.trim() ?? null,
    selector,
  )
const shadowAttr = (selector: string, name: string) =>
  page.evaluate(
    ([selector, name]) => (window as unknown as Win).bundleApi.shadow(selector)?.getAttribute(name) ?? null,
    [selector, name] as const,
  )
const mount = (mode: 'launcher' | 'inline' = 'launcher') =>
  page.evaluate((mode) => (window as unknown as Win).bundleApi.mount({ mode }), mode)

describe('dist/flow-chat.js page API', () => {
  it('exposes the methods and properties by their names, and no internals', async () => {
    await mount('inline')
    const surface = await page.evaluate(() => {
      const { el } = (window as unknown as Win).bundleApi
      const proto = Object.getPrototypeOf(el) as object
      const props = [
        'visitor',
        'locale',
        'strings',
        'opened',
        'mode',
        'position',
        'offset',
        'sound',
        'notify',
      ]
      return {
        methods: ['open', 'close', 'toggle', 'send', 'reset'].filter(
          (m) => typeof (proto as Record<string, unknown>)[m] === 'function',
        ),
        // Accessors on the element's own class, which ask for an update when set.
        accessors: [...props, 'heading', 'chat'].filter(
          (p) => typeof Object.getOwnPropertyDescriptor(proto, p)?.set === 'function',
        ),
        observed: (el.constructor as unknown as { observedAttributes: string[] }).observedAttributes,
        text: 'text' in el,
      }
    })
    expect(surface.methods).toEqual(['open', 'close', 'toggle', 'send', 'reset'])
    expect(surface.accessors).toEqual([
      'visitor',
      'locale',
      'strings',
      'opened',
      'mode',
      'position',
      'offset',
      'sound',
      'notify',
      'heading',
      'chat',
    ])
    expect(surface.observed).toEqual(
      expect.arrayContaining(['open', 'mode', 'position', 'offset', 'sound', 'notify', 'heading', 'locale']),
    )
    expect(surface.text).toBe(false)
  })

  it('opens, closes and toggles from the page and the open attribute, with events and the panel', async () => {
    await mount()
    const state = () =>
      page.evaluate(() => {
        const { el, shadow } = (window as unknown as Win).bundleApi
        return {
          opened: el.opened,
          attribute: el.hasAttribute('open'),
          panel: shadow('[part=panel]') !== null,
          launcher: shadow('[part=launcher]') !== null,
          stored: sessionStorage.getItem('flowchat:open'),
        }
      })
    const closed = { opened: false, attribute: false, panel: false, launcher: true }
    const open = { opened: true, attribute: true, panel: true, launcher: false }
    expect(await state()).toMatchObject(closed)
    const step = async (action: 'open' | 'close' | 'toggle' | 'attr' | 'noattr') => {
      await page.evaluate(async (action) => {
        const { el, settle } = (window as unknown as Win).bundleApi
        if (action === 'attr') el.setAttribute('open', '')
        else if (action === 'noattr') el.removeAttribute('open')
        else el[action]()
        await settle()
      }, action)
      return state()
    }
    expect(await step('open')).toEqual({ ...open, stored: '1' })
    expect(await step('toggle')).toEqual({ ...closed, stored: null })
    expect(await step('toggle')).toMatchObject(open)
    expect(await step('close')).toMatchObject(closed)
    expect(await step('close')).toMatchObject(closed)
    expect(await step('attr')).toMatchObject(open)
    expect(await step('noattr')).toMatchObject(closed)
    expect((await seen()).map((e) => e.type)).toEqual([
      'flow-chat-opened',
      'flow-chat-closed',
      'flow-chat-opened',
      'flow-chat-closed',
      'flow-chat-opened',
      'flow-chat-closed',
    ])
  })

  it('tells opened and closed only when the window did open or close', async () => {
    const run = (mode: 'launcher' | 'inline') =>
      page.evaluate(async (mode) => {
        const api = (window as unknown as Win).bundleApi
        await api.mount({ mode })
        const { el, settle } = api
        const states: boolean[] = []
        // Each line runs in one task: the window ends where it began, or moves once.
        for (const calls of [
          ['open', 'close'],
          ['toggle', 'toggle'],
          ['open', 'close', 'open'],
          ['close', 'open', 'close'],
        ] as const) {
          for (const call of calls) el[call]()
          await settle()
          states.push(el.opened)
        }
        return { states, seen: api.seen.map((e) => e.type) }
      }, mode)
    expect(await run('launcher')).toEqual({
      states: [false, false, true, false],
      seen: ['flow-chat-opened', 'flow-chat-closed'],
    })
    // Inline mode has no window: open() and close() tell nothing.
    expect((await run('inline')).seen).toEqual([])
  })

  it('sends text for the page, and what the visitor clicks, to the client with message-sent events', async () => {
    await mount('inline')
    const refused = await page.evaluate(async () => {
      const { el, fake, settle, bot } = (window as unknown as Win).bundleApi
      el.send('  I have a question  ')
      const errors: string[] = []
      for (const text of ['   ', 'y'.repeat(100_000), { text: 'hi' }, 42, undefined]) {
        try {
          el.send(text as string)
        } catch (e) {
          errors.push(`${(e as Error).name}: ${(e as Error).message}`)
        }
      }
      const buttons = {
        id: 'b',
        sender: 'bot',
        createdAt: 1,
        own: false,
        templates: [
          {
            type: 'buttons',
            payload: {
              title: 'Pick',
              buttons: [
                { type: 'postback', label: 'Say hello', value: 'hello' },
                { type: 'event', label: ' Welcome ', value: 'WELCOME' },
              ],
            },
          },
        ],
      }
      const quick = bot('q', 'Sure?') as { templates: { payload: Record<string, unknown> }[] }
      quick.templates[0]!.payload.quickReplies = [{ label: 'Trigger', value: 'EVT', type: 'event' }]
      fake.messages$.next([buttons, quick])
      await settle()
      return errors
    })
    // Empty text sends nothing and throws nothing; too long is refused rather than cut; what is no text is refused
    // (an object was sent as "[object Object]").
    expect(refused).toEqual([
      'RangeError: send(text): at most 255 characters',
      ...Array(3).fill('TypeError: send(text): text must be a string'),
    ])
    await page.locator('flow-chat [part=button]', { hasText: 'Say hello' }).click()
    await page.locator('flow-chat [part=button]', { hasText: 'Welcome' }).click()
    await page.locator('flow-chat [part=quick-reply]', { hasText: 'Trigger' }).click()
    expect(await sent()).toEqual([
      { type: 'text', text: 'I have a question' },
      { type: 'text', text: 'hello' },
      { type: 'event', eventName: 'WELCOME', label: 'Welcome' },
      { type: 'event', eventName: 'EVT', label: 'Trigger' },
    ])
    expect((await seen()).filter((e) => e.type === 'flow-chat-message-sent').map((e) => e.detail)).toEqual([
      { type: 'text', text: 'I have a question' },
      { type: 'text', text: 'hello' },
      { type: 'event', eventName: 'WELCOME', label: 'Welcome' },
      { type: 'event', eventName: 'EVT', label: 'Trigger' },
    ])
  })

  it('tells new messages, the unread count on the launcher and the connection state as events', async () => {
    await mount()
    const badge = () => shadowText('[part=badge]')
    await page.evaluate(async () => {
      const { fake, settle, bot } = (window as unknown as Win).bundleApi
      fake.messages$.next([bot('old', 'History', 1)])
      await settle()
      fake.messages$.next([...fake.messages$.value, bot('new1', 'New'), bot('new2', 'Newer')])
      await settle()
    })
    expect(await badge()).toBe('2')
    expect(await shadowAttr('[part=launcher]', 'aria-label')).toBe('Open chat (2 unread)')
    await page.evaluate(async () => {
      const { el, settle } = (window as unknown as Win).bundleApi
      el.open()
      await settle()
    })
    await page.evaluate(async () => {
      const { fake, settle } = (window as unknown as Win).bundleApi
      fake.connection$.next({ state: 'offline' })
      await settle()
    })
    expect(await shadowText('[part~=banner-offline]')).toBeTruthy()
    await page.evaluate(async () => {
      const { fake, settle } = (window as unknown as Win).bundleApi
      fake.connection$.next({ state: 'open' })
      await settle()
    })
    expect(await seen()).toEqual([
      { type: 'flow-chat-message-received', message: 'new1' },
      { type: 'flow-chat-message-received', message: 'new2' },
      { type: 'flow-chat-unread-changed', count: 2 },
      { type: 'flow-chat-opened' },
      { type: 'flow-chat-unread-changed', count: 0 },
      { type: 'flow-chat-connection-changed', state: 'offline' },
      { type: 'flow-chat-connection-changed', state: 'open' },
    ])
    expect(await page.evaluate(() => (window as unknown as Win).bundleApi.shadow('[part=badge]'))).toBeNull()
  })

  it('tells a message once, also when the element is put back on the page or the visitor changes', async () => {
    await mount()
    await page.evaluate(async () => {
      const { fake, settle, bot } = (window as unknown as Win).bundleApi
      fake.messages$.next([bot('old', 'History', 1)])
      await settle()
      fake.messages$.next([...fake.messages$.value, bot('reply', 'Just now')])
      await settle()
    })
    // The same conversation shown again (a single-page app moving the element, a login setting `visitor`) holds
    // nothing new: the reply of a moment ago was told once and stays counted once.
    for (const again of ['re-added', 'visitor'] as const) {
      await page.evaluate(async (again) => {
        const { el, fake, settle } = (window as unknown as Win).bundleApi
        const threads = fake.calls.threads
        if (again === 're-added') {
          el.remove()
          document.body.append(el)
        } else {
          el.visitor = { name: 'Ada' }
        }
        while (fake.calls.threads === threads) await new Promise((r) => setTimeout(r, 5))
        await settle()
      }, again)
    }
    expect((await seen()).filter((e) => e.type !== 'flow-chat-connection-changed')).toEqual([
      { type: 'flow-chat-message-received', message: 'reply' },
      { type: 'flow-chat-unread-changed', count: 1 },
    ])
    expect(await shadowText('[part=badge]')).toBe('1')
  })

  it('tells a session that cannot start as a failed connection, and the connection once a retry starts it', async () => {
    const result = await page.evaluate(async () => {
      const api = (window as unknown as Win).bundleApi
      document.querySelector('flow-chat')?.remove()
      api.seen = []
      const fake = (window as unknown as Win).makeFake() as Fake & { chat: { session(): Promise<unknown> } }
      const session = fake.chat.session.bind(fake.chat)
      let attempts = 0
      // The relay is out of reach for the first attempt (fetch's TypeError), then answers.
      fake.chat.session = () =>
        ++attempts === 1 ? Promise.reject(new TypeError('Failed to fetch')) : session()
      const el = document.createElement('flow-chat')
      el.setAttribute('mode', 'inline')
      Object.assign(el, { chat: fake.chat, locale: 'en' })
      document.body.append(el)
      api.el = el
      // The banner shows the failure; the page is told it at the same time.
      while (!api.shadow('[part~=banner-failed]')) await new Promise((r) => setTimeout(r, 5))
      await api.settle()
      const told = api.seen.map((e) => e.state)
      const banner = api.shadow('[part~=banner-failed]')?.textContent?.trim()
      // The element tries again after a back-off.
      while (!api.seen.some((e) => e.state === 'open')) await new Promise((r) => setTimeout(r, 5))
      await api.settle()
      return { told, banner, banners: api.shadow('[part~=banner-failed]'), attempts, seen: api.seen }
    })
    expect(result.told).toEqual(['failed'])
    expect(result.banner).toContain('Failed to fetch')
    expect(result).toMatchObject({ banners: null, attempts: 2 })
    expect(result.seen.map((e) => e.state)).toEqual(['failed', 'open'])
    // A relay URL the element's own client refuses fails in the element's first update.
    const refused = await page.evaluate(async () => {
      const api = (window as unknown as Win).bundleApi
      document.querySelector('flow-chat')?.remove()
      api.seen = []
      const el = document.createElement('flow-chat')
      el.setAttribute('relay', 'relay.example.com')
      document.body.append(el)
      api.el = el
      await api.settle()
      return api.seen
    })
    expect(refused).toEqual([{ type: 'flow-chat-connection-changed', state: 'failed' }])
  }, 60_000)

  it('reset() asks the client to reset, closes the window, clears the unread count and empties the transcript', async () => {
    await mount()
    await page.evaluate(async () => {
      const { el, fake, settle, bot } = (window as unknown as Win).bundleApi
      fake.messages$.next([bot('s', 'secret order 42', 1)])
      el.open()
      await settle()
    })
    expect(await shadowText('[part=transcript]')).toContain('secret order 42')
    await page.evaluate(async () => {
      const { el, fake, settle, bot } = (window as unknown as Win).bundleApi
      el.close()
      await settle()
      fake.messages$.next([...fake.messages$.value, bot('u', 'Unread reply')])
      await settle()
      el.reset()
      await settle()
    })
    expect(await calls()).toMatchObject({ resets: 1 })
    expect(await shadowText('[part=badge]')).toBeNull()
    expect(await page.evaluate(() => sessionStorage.getItem('flowchat:open'))).toBeNull()
    const afterReset = await page.evaluate(async () => {
      const { el, settle } = (window as unknown as Win).bundleApi
      const closed = { opened: el.opened, attribute: el.hasAttribute('open') }
      el.open()
      await settle()
      return closed
    })
    expect(afterReset).toEqual({ opened: false, attribute: false })
    expect(await shadowText('[part=transcript]')).not.toContain('secret order 42')
    // Reset while open closes the window.
    const open = await page.evaluate(async () => {
      const { el, settle } = (window as unknown as Win).bundleApi
      const before = el.hasAttribute('open')
      el.reset()
      await settle()
      return { before, after: el.hasAttribute('open'), opened: el.opened }
    })
    expect(open).toEqual({ before: true, after: false, opened: false })
    expect(await calls()).toMatchObject({ resets: 2 })
    expect(await seen()).toEqual([
      { type: 'flow-chat-opened' },
      { type: 'flow-chat-closed' },
      { type: 'flow-chat-message-received', message: 'u' },
      { type: 'flow-chat-unread-changed', count: 1 },
      // The first reset: the client is gone (the page gives a new one), and the count is cleared.
      { type: 'flow-chat-connection-changed', state: 'idle' },
      { type: 'flow-chat-unread-changed', count: 0 },
      { type: 'flow-chat-opened' },
      { type: 'flow-chat-closed' },
    ])
  })

  it('reset() on a chat the element made forgets the stored session and outbox', async () => {
    const left = await page.evaluate(async () => {
      document.querySelector('flow-chat')?.remove()
      // A relay nobody listens on: the new client's session request fails, which is all this needs.
      const relay = 'http://127.0.0.1:9'
      const session = `flowchat:session:${relay}`
      localStorage.setItem(
        session,
        JSON.stringify({ threadId: 'logout-t1', token: 'x', expiresAt: '2099-01-01T00:00:00Z' }),
      )
      localStorage.setItem(
        'flowchat:outbox:logout-t1',
        JSON.stringify([{ traceId: 'q1', body: { type: 'text', text: 'queued' } }]),
      )
      const el = document.createElement('flow-chat') as FlowChat
      el.setAttribute('relay', relay)
      el.setAttribute('mode', 'inline')
      document.body.append(el)
      try {
        await el.updateComplete
        const before = [
          localStorage.getItem(session) !== null,
          localStorage.getItem('flowchat:outbox:logout-t1') !== null,
        ]
        el.reset()
        return [...before, localStorage.getItem(session), localStorage.getItem('flowchat:outbox:logout-t1')]
      } finally {
        el.remove()
        localStorage.removeItem(session)
      }
    })
    expect(left).toEqual([true, true, null, null])
  })

  it('takes a heading (a title attribute as the old spelling), a mode, a position and an offset', async () => {
    await mount()
    const look = () =>
      page.evaluate(async () => {
        const { el, shadow, settle } = (window as unknown as Win).bundleApi
        await settle()
        const style = getComputedStyle(el)
        return {
          heading: shadow('h2')?.textContent?.trim(),
          close: shadow('.close') !== null,
          mode: el.getAttribute('mode'),
          position: el.getAttribute('position'),
          left: style.left,
          right: style.right,
          bottom: style.bottom,
        }
      })
    await page.evaluate(() => {
      const { el } = (window as unknown as Win).bundleApi
      el.setAttribute('title', 'Old spelling')
      el.open()
    })
    expect(await look()).toMatchObject({ heading: 'Old spelling', close: true, mode: 'launcher' })
    await page.evaluate(() => {
      const { el } = (window as unknown as Win).bundleApi
      Object.assign(el, { heading: 'Support', position: 'bottom-left', offset: '32px 90px' })
    })
    expect(await look()).toMatchObject({
      heading: 'Support',
      position: 'bottom-left',
      left: '32px',
      bottom: '90px',
    })
    await page.evaluate(() => {
      const { el } = (window as unknown as Win).bundleApi
      Object.assign(el, { position: 'bottom-right', offset: '12px' })
    })
    expect(await look()).toMatchObject({ position: 'bottom-right', right: '12px', bottom: '12px' })
    await page.evaluate(() => {
      const { el } = (window as unknown as Win).bundleApi
      el.mode = 'inline'
      el.close()
    })
    // Inline: the panel stays, without a close button.
    expect(await look()).toMatchObject({ heading: 'Support', close: false, mode: 'inline' })
  })

  it('keeps rendering, and the launcher in its corner, when a page sets locale or offset to a wrong value', async () => {
    await mount()
    const look = () =>
      page.evaluate(async () => {
        const { shadow, settle } = (window as unknown as Win).bundleApi
        await settle()
        const launcher = shadow('[part=launcher]')
        const box = launcher?.getBoundingClientRect()
        return {
          label: launcher?.getAttribute('aria-label'),
          // Distance from the window's bottom-right corner.
          corner: box && [Math.round(innerWidth - box.right), Math.round(innerHeight - box.bottom)],
        }
      })
    expect(await look()).toEqual({ label: 'Open chat', corner: [20, 20] })
    // A tag Intl refuses reads as English; what is no CSS length (no unit, a number, a word) keeps the default.
    for (const [locale, offset] of [
      [42, 20],
      ['en', '20'],
      ['en', 'banana 30px'],
    ]) {
      await page.evaluate(
        ([locale, offset]) => {
          Object.assign((window as unknown as Win).bundleApi.el, { locale, offset })
        },
        [locale, offset] as const,
      )
      expect(await look()).toEqual(
        offset === 'banana 30px'
          ? { label: 'Open chat', corner: [20, 30] }
          : { label: 'Open chat', corner: [20, 20] },
      )
    }
    await page.evaluate(() => {
      Object.assign((window as unknown as Win).bundleApi.el, { locale: 'nl', offset: '24px 90px' })
    })
    expect(await look()).toEqual({ label: 'Chat openen', corner: [24, 90] })
  })

  it('speaks a locale registered through the exported registerLocale, and strings on top of it', async () => {
    await mount('inline')
    const look = () =>
      page.evaluate(async () => {
        const { shadow, settle } = (window as unknown as Win).bundleApi
        await settle()
        return {
          heading: shadow('h2')?.textContent?.trim(),
          send: shadow('[part=send]')?.getAttribute('aria-label'),
          placeholder: shadow('[part=input]')?.getAttribute('placeholder'),
          dir: shadow('[part=panel]')?.getAttribute('dir') ?? null,
        }
      })
    expect(await look()).toEqual({ heading: 'Chat', send: 'Send', placeholder: 'Type a message…', dir: null })
    // The page imports the bundle's exports as a site does (a string: vitest would rewrite an `import()` here).
    await page.evaluate("import('/flow-chat.js').then((m) => { window.flowChatModule = m })")
    const registered = await page.evaluate(() => {
      const module = (window as unknown as { flowChatModule: FlowChatModule }).flowChatModule
      module.registerLocale('de', { title: 'Hilfe', send: 'Senden' })
      module.registerLocale('ar', { send: 'إرسال' })
      const { el } = (window as unknown as Win).bundleApi
      el.locale = 'de-AT'
      const refusals = []
      // A locale module passed where the tag goes is named in the error (it threw "….toLowerCase is not a function").
      for (const tag of ['not a tag', { title: 'Hilfe' }]) {
        try {
          module.registerLocale(tag as string, {})
          refusals.push('accepted')
        } catch (e) {
          refusals.push(`${(e as Error).name}: ${(e as Error).message}`)
        }
      }
      return refusals
    })
    expect(registered).toEqual([
      'TypeError: registerLocale: language "not a tag" is not a BCP 47 tag',
      'TypeError: registerLocale: language "[object Object]" is not a BCP 47 tag',
    ])
    // Strings the registered locale leaves out are English.
    expect(await look()).toEqual({
      heading: 'Hilfe',
      send: 'Senden',
      placeholder: 'Type a message…',
      dir: null,
    })
    await page.evaluate(() => {
      ;(window as unknown as Win).bundleApi.el.strings = { send: 'Los', placeholder: 'Frag uns' }
    })
    expect(await look()).toEqual({ heading: 'Hilfe', send: 'Los', placeholder: 'Frag uns', dir: null })
    await page.evaluate(() => {
      const { el } = (window as unknown as Win).bundleApi
      el.strings = undefined
      el.setAttribute('locale', 'nl')
    })
    expect(await look()).toMatchObject({ send: 'Versturen', dir: null })
    await page.evaluate(() => {
      ;(window as unknown as Win).bundleApi.el.locale = 'ar-EG'
    })
    expect(await look()).toMatchObject({ send: 'إرسال', dir: 'rtl' })
  })

  it('speaks a locale registered after the element rendered, as a page with the script tag registers it', async () => {
    await mount('inline')
    await page.evaluate("import('/flow-chat.js').then((m) => { window.flowChatModule = m })")
    const sendLabel = () =>
      page.evaluate(async () => {
        const { el, fake, settle, bot } = (window as unknown as Win).bundleApi
        // Anything that renders the element again: here a reply.
        fake.messages$.next([...fake.messages$.value, bot(`m${fake.messages$.value.length}`, 'Olá')])
        await settle()
        return el.shadowRoot?.querySelector('[part=send]')?.getAttribute('aria-label')
      })
    await page.evaluate(async () => {
      const { el, settle } = (window as unknown as Win).bundleApi
      el.locale = 'pt-BR'
      await settle()
    })
    // The script tag's module defines the element, which renders (in English) before the page's own module
    // registers its language.
    expect(await sendLabel()).toBe('Send')
    const register = (send: string) =>
      page.evaluate((send) => {
        ;(window as unknown as { flowChatModule: FlowChatModule }).flowChatModule.registerLocale('pt', {
          send,
        })
      }, send)
    await register('Enviar')
    expect(await sendLabel()).toBe('Enviar')
    await register('Mandar')
    expect(await sendLabel()).toBe('Mandar')
  })

  it('starts a new session on the client when the visitor changes, and not for other properties', async () => {
    await mount('inline')
    expect(await calls()).toMatchObject({ sessions: 1, threads: 1 })
    await page.evaluate(async () => {
      const { el, settle } = (window as unknown as Win).bundleApi
      el.heading = 'Support'
      await settle()
    })
    expect(await calls()).toMatchObject({ sessions: 1, threads: 1 })
    await page.evaluate(async () => {
      const { el, fake, settle } = (window as unknown as Win).bundleApi
      el.visitor = { name: 'Ada', profile: { email: 'ada@example.com' } }
      while (fake.calls.threads < 2) await new Promise((r) => setTimeout(r, 5))
      await settle()
    })
    expect(await calls()).toMatchObject({ sessions: 2, threads: 2 })
    // The new thread is in use: a send reaches the client.
    await page.evaluate(() => {
      const { el } = (window as unknown as Win).bundleApi
      el.send('after login')
    })
    expect(await sent()).toEqual([{ type: 'text', text: 'after login' }])
  })

  it('chimes only with sound on, and counts replies in the title of a hidden tab only with notify on', async () => {
    await mount()
    const arrive = (id: string) =>
      page.evaluate(async (id) => {
        const { fake, settle, bot } = (window as unknown as Win).bundleApi
        fake.messages$.next([...fake.messages$.value, bot(id, `Reply ${id}`)])
        await settle()
      }, id)
    await page.evaluate(async () => {
      const { fake, settle, bot } = (window as unknown as Win).bundleApi
      fake.messages$.next([bot('h', 'History', 1)])
      await settle()
    })
    const oscillators = () => page.evaluate(() => (window as unknown as Win).bundleApi.oscillators)
    const before = await oscillators()
    await arrive('quiet')
    expect(await oscillators()).toBe(before)
    await page.evaluate(() => ((window as unknown as Win).bundleApi.el.sound = true))
    await arrive('loud')
    expect(await oscillators()).toBe(before + 2)

    const titles = await page.evaluate(async () => {
      const { el, fake, settle, bot } = (window as unknown as Win).bundleApi
      const previous = document.title
      document.title = 'Shop'
      let state: DocumentVisibilityState = 'hidden'
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state })
      const arrive = async (id: string) => {
        fake.messages$.next([...fake.messages$.value, bot(id, `Reply ${id}`)])
        await settle()
      }
      try {
        await arrive('a')
        const optedOut = document.title
        el.notify = true
        await arrive('b')
        await arrive('c')
        const counted = document.title
        state = 'visible'
        document.dispatchEvent(new Event('visibilitychange'))
        return { optedOut, counted, back: document.title }
      } finally {
        delete (document as { visibilityState?: unknown }).visibilityState
        document.title = previous
      }
    })
    expect(titles).toEqual({ optedOut: 'Shop', counted: '(2) Shop', back: 'Shop' })
  })

  it('keeps the properties a page set before the bundle defined the element', async () => {
    const early = await browser.newPage()
    try {
      early.on('pageerror', (e) => errors.push(e.message))
      await early.goto(earlyUrl)
      await early.waitForFunction(() => {
        const el = document.getElementById('early') as FlowChat | null
        return (
          customElements.get('flow-chat') !== undefined &&
          el?.shadowRoot?.querySelector('h2') &&
          (window as unknown as Win).earlyFake.calls.threads > 0
        )
      })
      const state = await early.evaluate(async () => {
        const el = document.getElementById('early') as FlowChat
        await el.updateComplete
        const shadow = el.shadowRoot!
        const style = getComputedStyle(el)
        return {
          own: ['chat', 'opened', 'heading', 'strings', 'locale', 'visitor', 'notify', 'sound'].filter((k) =>
            Object.hasOwn(el, k),
          ),
          values: { opened: el.opened, notify: el.notify, sound: el.sound, visitor: el.visitor },
          open: el.hasAttribute('open'),
          mode: el.getAttribute('mode'),
          position: el.getAttribute('position'),
          left: style.left,
          bottom: style.bottom,
          heading: shadow.querySelector('h2')?.textContent?.trim(),
          send: shadow.querySelector('[part=send]')?.getAttribute('aria-label'),
          placeholder: shadow.querySelector('[part=input]')?.getAttribute('placeholder'),
          sessions: (window as unknown as Win).earlyFake.calls.sessions,
        }
      })
      expect(state).toMatchObject({
        own: [],
        values: { opened: true, notify: true, sound: true, visitor: { name: 'Ada' } },
        open: true,
        mode: 'launcher',
        position: 'bottom-left',
        left: '40px',
        bottom: '40px',
        heading: 'Early help',
        send: 'Go',
        placeholder: 'Typ een bericht…',
        sessions: 1,
      })
      // And the methods drive it as on any other element.
      const events = await early.evaluate(async () => {
        const el = document.getElementById('early') as FlowChat
        const types: string[] = []
        el.addEventListener('flow-chat-closed', (e) => types.push(e.type))
        el.close()
        await el.updateComplete
        el.send('early bird')
        return { types, open: el.hasAttribute('open'), sent: (window as unknown as Win).earlyFake.sent }
      })
      expect(events).toEqual({
        types: ['flow-chat-closed'],
        open: false,
        sent: [{ type: 'text', text: 'early bird' }],
      })
    } finally {
      await early.close()
    }
  })
})
