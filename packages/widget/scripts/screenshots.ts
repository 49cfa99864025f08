// `pnpm --filter @flowchat/widget screenshots`: builds the bundle and writes the main states of <flow-chat> to
// docs/screenshots/widget-*.png for review. Uses the stand-in client of test/bundle-page.ts, so no relay runs.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import ar from '../src/locales/ar.ts'
import { sampleTemplates } from '../src/testing/samples.ts'
import { buildBundle, launchChromium, servePage } from '../test/bundle-page.ts'

const out = join(import.meta.dirname, '../../../docs/screenshots')
mkdirSync(out, { recursive: true })
const dir = mkdtempSync(join(tmpdir(), 'flow-chat-shots-'))
const { url, server } = await servePage(await buildBundle(dir))
const browser = await launchChromium()
const origin = url.replace(/\/$/, '')
const t = sampleTemplates(origin)
const now = Date.now()
const bot = (id: string, templates: unknown[], extra = {}) => ({
  id,
  sender: 'bot',
  createdAt: now - 60_000,
  templates,
  own: false,
  fallback: 'Open this in the app',
  ...extra,
})
const me = (id: string, text: string, state: string, extra = {}) => ({
  id,
  sender: 'visitor',
  createdAt: now - 50_000,
  templates: [{ type: 'text', payload: { text } }],
  own: true,
  state,
  ...extra,
})
const hello = bot('b1', [{ type: 'text', payload: { text: 'Hi! I am the Flow.ai bot. How can I help?' } }])

interface Scene {
  mode?: 'inline' | 'launcher'
  open?: boolean
  messages: unknown[]
  streams?: Record<string, unknown>
  /** Messages that arrive after the first render (to count as unread). */
  later?: unknown[]
  /** Attributes on the element (`position`, `locale`, …). */
  attrs?: Record<string, string>
  /** A locale to register first, from the bundle's own `registerLocale`. */
  register?: [string, unknown]
  /** Messages that arrive after the visitor scrolled up (the new-messages cue). */
  afterScrollUp?: unknown[]
}

async function scene(page: Page, s: Scene): Promise<void> {
  await page.goto(url)
  await page.waitForFunction(() => customElements.get('flow-chat') !== undefined)
  await page.evaluate(async (s) => {
    const w = window as unknown as {
      makeFake(): Record<string, { next(v: unknown): void }> & { chat: unknown }
    }
    const fake = w.makeFake()
    if (s.register) {
      // The page's own URL for the bundle (a variable, so neither TypeScript nor Node resolves it).
      const served = `${location.origin}/flow-chat.js`
      const bundle = (await import(served)) as {
        registerLocale(tag: string, strings: unknown): void
      }
      bundle.registerLocale(...s.register)
    }
    const el = document.createElement('flow-chat') as unknown as HTMLElement & {
      chat: unknown
      opened: boolean
      heading: string
    }
    el.chat = fake.chat
    el.setAttribute('mode', s.mode ?? 'launcher')
    el.heading = 'Flow.ai support'
    for (const [k, v] of Object.entries(s.attrs ?? {})) el.setAttribute(k, v)
    if (s.mode === 'inline') el.style.cssText = 'margin:20px auto;max-width:420px;--flow-chat-height:2750px'
    document.body.append(el)
    await new Promise((r) => setTimeout(r, 20))
    fake.messages$!.next(s.messages)
    for (const [k, v] of Object.entries(s.streams ?? {})) fake[k]!.next(v)
    if (s.later) fake.messages$!.next([...s.messages, ...s.later])
    el.opened = s.open ?? false
    await new Promise((r) => setTimeout(r, 300))
    if (s.afterScrollUp) {
      const t = el.shadowRoot!.querySelector<HTMLElement>('.transcript')!
      t.scrollTop = t.scrollHeight - t.clientHeight - 500
      await new Promise((r) => setTimeout(r, 200))
      fake.messages$!.next([...s.messages, ...s.afterScrollUp])
      await new Promise((r) => setTimeout(r, 300))
    }
  }, s)
}

const conversation = [
  hello,
  me('v1', 'Can you show me the options?', 'delivered'),
  bot('b2', [t.text, t.buttons]),
]
const shots: [string, Scene, { width: number; height: number }, ('light' | 'dark')?][] = [
  [
    'launcher-closed',
    {
      messages: [hello],
      later: [bot('b9', [t.text], { createdAt: now }), bot('b10', [t.card], { createdAt: now })],
    },
    { width: 900, height: 700 },
  ],
  ['launcher-open', { open: true, messages: conversation }, { width: 900, height: 700 }],
  [
    'all-templates',
    { mode: 'inline', messages: [me('v0', 'all', 'delivered'), bot('b3', Object.values(t))] },
    { width: 460, height: 2800 },
  ],
  [
    'offline',
    {
      open: true,
      messages: [
        ...conversation,
        me('v2', 'Are you there?', 'pending'),
        me('v3', 'Hello?', 'failed', { error: 'offline' }),
      ],
      streams: { connection$: { state: 'offline' }, queued$: 2 },
    },
    { width: 900, height: 700 },
  ],
  [
    'agent',
    {
      open: true,
      messages: [
        ...conversation,
        me('v4', 'I would like to talk to a person', 'delivered'),
        bot('a1', [{ type: 'text', payload: { text: 'Hi, this is Ann from support. How can I help?' } }], {
          sender: 'agent',
          senderName: 'Ann (support)',
        }),
      ],
      streams: { botStatus$: { state: 'handover' }, awaitingReply$: true },
    },
    { width: 900, height: 700 },
  ],
  [
    'dark',
    { open: true, messages: [...conversation, bot('b4', [t.card])] },
    { width: 900, height: 700 },
    'dark',
  ],
  [
    'new-messages',
    {
      open: true,
      messages: Array.from({ length: 60 }, (_, i) =>
        i % 2
          ? me(`q${i}`, `Question ${i}`, 'delivered')
          : bot(`r${i}`, [{ type: 'text', payload: { text: `Answer ${i}` } }]),
      ),
      afterScrollUp: [
        bot('n1', [{ type: 'text', payload: { text: 'New 1' } }]),
        bot('n2', [{ type: 'text', payload: { text: 'New 2' } }]),
      ],
    },
    { width: 900, height: 700 },
  ],
  [
    'many-quick-replies',
    {
      open: true,
      messages: [
        hello,
        bot('qr', [
          {
            type: 'text',
            payload: {
              text: 'Pick a topic:',
              quickReplies: [
                {
                  label:
                    'A quick reply with a long label that wraps onto a second line instead of being cut off',
                  value: 'long',
                  type: 'text',
                },
                ...Array.from({ length: 200 }, (_, i) => ({
                  label: `Topic ${i + 1}`,
                  value: `t${i}`,
                  type: 'text',
                })),
              ],
            },
          },
        ]),
      ],
    },
    { width: 900, height: 700 },
  ],
  [
    'missing-image',
    {
      open: true,
      messages: [
        hello,
        bot('img1', [
          { type: 'image', payload: { url: 'http://127.0.0.1:1/missing.png', title: 'Our opening hours' } },
        ]),
        bot('img2', [{ type: 'image', payload: { url: 'http://127.0.0.1:1/missing.png' } }]),
      ],
    },
    { width: 900, height: 700 },
  ],
  [
    'arabic-bottom-left',
    {
      open: true,
      messages: [bot('ar1', [{ type: 'text', payload: { text: 'مرحبًا! كيف يمكنني مساعدتك؟' } }])],
      attrs: { locale: 'ar', position: 'bottom-left' },
      register: ['ar', ar],
      streams: { connection$: { state: 'offline' }, queued$: 3 },
    },
    { width: 900, height: 700 },
  ],
  [
    'mobile',
    { open: true, messages: [...conversation, bot('b5', [t.carousel])] },
    { width: 375, height: 720 },
  ],
]

try {
  for (const [name, s, viewport, scheme] of shots) {
    const page = await browser.newPage({ viewport, colorScheme: scheme ?? 'light' })
    await scene(page, s)
    await page.screenshot({ path: join(out, `widget-${name}.png`) })
    await page.close()
    console.log(`docs/screenshots/widget-${name}.png`)
  }
} finally {
  await browser.close()
  server.close()
  rmSync(dir, { recursive: true, force: true })
}
