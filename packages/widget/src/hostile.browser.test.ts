import { expect } from '@open-wc/testing'
import type { Template } from '@flowchat/core/schemas'
import type { ChatMessage } from './client-types.js'
import { botMessage, ownMessage } from './testing/fake-chat.js'
import { mount, settle } from './testing/mount.js'

declare global {
  interface Window {
    pwned?: number
  }
}

const evil = [
  'javascript:window.pwned=1',
  ' JavaScript:window.pwned=1',
  'java\tscript:window.pwned=1',
  'data:text/html,<script>window.pwned=1</script>',
  'data:image/svg+xml,<svg onload="window.pwned=1"/>',
  'vbscript:msgbox(1)',
  'file:///etc/passwd',
]
const html = '<img src=x onerror="window.pwned=1"><script>window.pwned=1</script><b>bold</b>'

function hostileTemplates(url: string): Template[] {
  const button = { type: 'url', label: 'Click', value: url }
  return [
    {
      type: 'text',
      payload: {
        text: `${html} ${url} https://ok.example/${html}`,
        quickReplies: [{ label: html, value: url, type: 'text' }],
      },
    },
    {
      type: 'buttons',
      payload: { title: html, buttons: [button, { type: 'webview', label: 'W', value: url }] },
    },
    {
      type: 'card',
      payload: { title: html, subtitle: html, media: { url, type: 'image' }, buttons: [button] },
    },
    {
      type: 'carousel',
      payload: { cards: [{ title: html, media: { url, type: 'video' }, buttons: [button] }] },
    },
    {
      type: 'list',
      payload: { items: [{ title: html, featured: true, media: { url } }], buttons: [button] },
    },
    { type: 'image', payload: { url, title: html } },
    { type: 'video', payload: { url, thumbnailUrl: url, title: html } },
    { type: 'audio', payload: { url, title: html } },
    { type: 'file', payload: { url, title: html } },
    { type: 'location', payload: { lat: url, long: '1', title: html } },
  ]
}

/** Every URL-bearing attribute in the shadow tree. */
function urls(root: ShadowRoot): string[] {
  return [...root.querySelectorAll('[href], [src], [poster]')].flatMap((e) =>
    ['href', 'src', 'poster'].map((a) => e.getAttribute(a)).filter((v): v is string => v !== null),
  )
}

describe('<flow-chat> hostile input', () => {
  for (const url of evil) {
    it(`never turns ${JSON.stringify(url)} into a link or a source`, async () => {
      const { root, fake, el } = await mount()
      fake.messages$.next([
        botMessage(hostileTemplates(url), { fallback: html, avatarUrl: url, senderName: html }),
      ])
      await settle(el)
      const found = urls(root)
      for (const u of found) expect(u, u).to.match(/^(https:|tel:)/)
      // The safe link in the same text still works.
      expect(found).to.include('https://ok.example/')
      await new Promise((r) => setTimeout(r, 50))
      expect(window.pwned).to.eq(undefined)
    })
  }

  it('shows HTML from a message as text and never interprets it', async () => {
    const { root, fake, el } = await mount()
    fake.messages$.next([botMessage(hostileTemplates('https://example.com'), { fallback: html })])
    await settle(el)
    expect(root.querySelectorAll('script, b, img[src=x]').length).to.eq(0)
    expect(root.querySelector('.bubble-text .text')!.textContent).to.contain('<script>')
    expect(root.querySelector('.card-title')!.textContent).to.eq(html)
    await new Promise((r) => setTimeout(r, 50))
    expect(window.pwned).to.eq(undefined)
  })

  it('survives payloads of the wrong shape', async () => {
    const { root, fake, el } = await mount()
    const junk = [
      { type: 'text', payload: {} },
      { type: 'card', payload: { buttons: 'nope', media: 5 } },
      { type: 'carousel', payload: { cards: null } },
      { type: 'list', payload: { items: [null, 3] } },
      { type: 'buttons', payload: { buttons: [{ type: 'url' }, null] } },
      { type: 'location', payload: { lat: {}, long: [] } },
      { type: 'image', payload: null },
      null,
    ] as unknown as Template[]
    fake.messages$.next([
      botMessage(junk),
      {
        id: 'x',
        createdAt: Number.NaN,
        templates: null,
        own: true,
        state: 'weird',
      } as unknown as ChatMessage,
      botMessage([{ type: 'text', payload: { text: 'still alive' } }], { createdAt: 9e15 }),
    ])
    fake.connection$.next(null as never)
    fake.botStatus$.next(undefined as never)
    fake.queued$.next('many' as never)
    await settle(el)
    expect(root.querySelector('.transcript')!.textContent).to.contain('still alive')
  })

  it('survives a newest message of the wrong shape, on start and as it arrives', async () => {
    // The newest message is where the quick replies and the live region read it: a shape those did not expect
    // once threw from render, and the window stopped updating.
    const shapes = [
      null,
      'x',
      [null],
      [{ type: 'text', payload: null }],
      [{ type: 'text' }],
      { length: 1 },
      [{ type: 'text', payload: { text: 'Pick', quickReplies: [null, 3, { label: 'Yes', type: 'text' }] } }],
    ]
    for (const templates of shapes) {
      const { root, fake, el } = await mount()
      const junk = () => ({ ...botMessage([]), templates, fallback: 'Fallback' }) as unknown as ChatMessage
      fake.messages$.next([junk()])
      await settle(el)
      fake.messages$.next([...fake.messages$.value, junk()])
      await settle(el)
      fake.messages$.next([
        ...fake.messages$.value,
        botMessage([{ type: 'text', payload: { text: 'alive' } }]),
      ])
      await settle(el)
      expect(root.querySelector('.transcript')!.textContent, JSON.stringify(templates)).to.contain('alive')
    }
  })

  it('reads out only strings: a text that is not one is left out and the fallback read instead', async () => {
    const { root, fake, el } = await mount()
    fake.messages$.next([botMessage([{ type: 'text', payload: { text: 'Hello' } }])])
    await settle(el)
    const live = root.querySelector('[role=status][aria-live=polite]')!
    const arrives = async (texts: unknown[], fallback: unknown) => {
      const templates = texts.map((text) => ({ type: 'text', payload: { text } }))
      fake.messages$.next([
        ...fake.messages$.value,
        { ...botMessage([]), templates, fallback } as unknown as ChatMessage,
      ])
      await settle(el)
      return live.textContent?.trim()
    }
    expect(await arrives([{ html: '<b>x</b>' }, 'Fine'], 'Rate us')).to.eq('Bot: Fine')
    expect(await arrives([7], 'Rate us')).to.eq('Bot: Rate us')
    // Shown as any payload that does not fit its type: the fallback, not an empty bubble.
    expect([...root.querySelectorAll('.bubble-text .fallback')].at(-1)?.textContent).to.eq('Rate us')
    expect(await arrives([{}], { not: 'text' })).to.eq('Bot:')
  })

  it('never shows "[object Object]" for a field of the wrong shape', async () => {
    const { root, fake, el } = await mount()
    const object = { an: 'object' }
    fake.messages$.next([botMessage([{ type: 'text', payload: { text: 'Hello' } }])])
    await settle(el)
    fake.messages$.next([
      ...fake.messages$.value,
      { ...ownMessage('Mine'), state: 'failed', error: object } as unknown as ChatMessage,
      botMessage(
        [
          { type: 'text', payload: { text: object } },
          { type: 'text', payload: { text: 'Pick', quickReplies: [{ label: object, type: 'text' }] } },
          { type: 'card', payload: { title: object, subtitle: object } },
          { type: 'carousel', payload: { cards: [{ title: object }, { title: 'B' }] } },
          { type: 'buttons', payload: { title: object, buttons: [] } },
          { type: 'location', payload: { title: object, lat: '52.1', long: '4.3' } },
          { type: 'other', originalType: 'x', payload: {}, reason: 'unsupported type' },
        ] as unknown as Template[],
        { sender: 'agent', senderName: object, fallback: object } as unknown as Partial<ChatMessage>,
      ),
    ])
    fake.connection$.next({ state: 'failed', reason: object } as never)
    await settle(el)
    // Text content and attributes (labels) alike: the shadow root's markup.
    expect(root.innerHTML).to.not.contain('object Object')
    expect(root.querySelector('.message.agent .sender')!.textContent).to.eq('Agent')
    expect(root.querySelectorAll('[part~=quick-reply]').length, 'the newest message has a chip').to.eq(1)
  })

  it('keeps very long text inside the window', async () => {
    const { root, fake, el } = await mount()
    fake.messages$.next([botMessage([{ type: 'text', payload: { text: 'x'.repeat(5000) } }])])
    await settle(el)
    const transcript = root.querySelector('.transcript')!
    expect(transcript.scrollWidth).to.be.at.most(transcript.clientWidth + 1)
  })
})
