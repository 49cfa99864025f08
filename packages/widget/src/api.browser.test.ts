import { expect } from '@open-wc/testing'
import type { FlowChatConnectionChangedEvent, FlowChatUnreadChangedEvent } from './events.js'
import { botMessage, fakeChat } from './testing/fake-chat.js'
import { mount, settle, until } from './testing/mount.js'
import ar from './locales/ar.js'
import { registerLocale } from './strings.js'

describe('<flow-chat> host page API', () => {
  beforeEach(() => sessionStorage.removeItem('flowchat:open'))

  it('opens, closes and toggles from the page, with events', async () => {
    const { el, root } = await mount({ mode: 'launcher' })
    const seen: string[] = []
    el.addEventListener('flow-chat-opened', () => seen.push('opened'))
    el.addEventListener('flow-chat-closed', () => seen.push('closed'))
    el.open()
    await settle(el)
    expect(el.opened).to.eq(true)
    expect(el.hasAttribute('open')).to.eq(true)
    expect(root.querySelector('[part=panel]')).to.not.eq(null)
    el.toggle()
    await settle(el)
    expect(el.opened).to.eq(false)
    el.toggle()
    await settle(el)
    el.close()
    await settle(el)
    expect(seen).to.deep.equal(['opened', 'closed', 'opened', 'closed'])
  })

  it('reset() resets the client, closes the window, empties the transcript and forgets the open state', async () => {
    const { el, fake, root } = await mount({ mode: 'launcher' })
    fake.messages$.next([botMessage([{ type: 'text', payload: { text: 'secret order 42' } }])])
    el.open()
    await settle(el)
    expect(root.textContent).to.contain('secret order 42')
    expect(sessionStorage.getItem('flowchat:open')).to.eq('1')
    el.reset()
    await settle(el)
    expect(fake.resets).to.eq(1)
    expect(el.opened).to.eq(false)
    expect(sessionStorage.getItem('flowchat:open')).to.eq(null)
    el.open()
    await settle(el)
    expect(root.textContent).to.not.contain('secret order 42')
  })

  it('reset() on a chat the element made forgets the stored session and outbox, then starts afresh', async () => {
    // A relay nobody listens on: the new client's session request fails, which is all this needs.
    const relay = 'http://127.0.0.1:9'
    localStorage.setItem(
      `flowchat:session:${relay}`,
      JSON.stringify({ threadId: 'logout-t1', token: 'x', expiresAt: '2099-01-01T00:00:00Z' }),
    )
    localStorage.setItem(
      'flowchat:outbox:logout-t1',
      JSON.stringify([{ traceId: 'q1', body: { type: 'text', text: 'queued' } }]),
    )
    const el = document.createElement('flow-chat')
    el.setAttribute('relay', relay)
    el.setAttribute('mode', 'inline')
    document.body.append(el)
    try {
      await el.updateComplete
      el.reset()
      expect(localStorage.getItem(`flowchat:session:${relay}`)).to.eq(null)
      expect(localStorage.getItem('flowchat:outbox:logout-t1')).to.eq(null)
    } finally {
      el.remove()
      localStorage.removeItem(`flowchat:session:${relay}`)
    }
  })

  it('sends text for the page, nothing for empty text, and refuses text too long with an error that says why', async () => {
    const { el, fake } = await mount()
    el.send('  I have a question  ')
    // Empty, as the composer: nothing to send, and a page's `send(input.value)` on an empty field does not throw.
    el.send('   ')
    // Cut to 255 characters, a page's 100 KB would reach the bot as its first 255 without anyone knowing.
    expect(() => el.send('y'.repeat(100_000))).to.throw(RangeError, 'send(text): at most 255 characters')
    expect(fake.sent).to.deep.equal([{ type: 'text', text: 'I have a question' }])
  })

  it('keeps what the page sends before the chat connected, and sends it once connected, unless reset', async () => {
    const fake = fakeChat()
    const sessions: ((session: { threadId: string }) => void)[] = []
    fake.chat.session = () => new Promise((resolve) => sessions.push(resolve))
    const el = document.createElement('flow-chat')
    el.chat = fake.chat
    el.mode = 'inline'
    const sentEvents: unknown[] = []
    el.addEventListener('flow-chat-message-sent', (e) => sentEvents.push(e.detail))
    // What a help button on the page does as the page loads: open the chat with a question.
    el.open()
    el.send('Where is my order?')
    document.body.append(el)
    try {
      await until(() => sessions.length === 1, 'the session was asked for', el)
      expect(fake.sent).to.deep.equal([])
      sessions[0]!({ threadId: 'thread-1' })
      await until(() => fake.sent.length === 1, 'the early text was sent', el)
      expect(fake.sent).to.deep.equal([{ type: 'text', text: 'Where is my order?' }])
      expect(sentEvents).to.deep.equal([{ type: 'text', text: 'Where is my order?' }])
      // A logout before the chat connected takes the page's text with it: the next visitor's chat never sends it.
      el.chat = fakeChat().chat
      el.chat.session = () => new Promise(() => undefined)
      await settle(el)
      el.send('Private question')
      el.reset()
      const next = fakeChat()
      el.chat = next.chat
      await until(() => next.openingCalls > 0, "the next visitor's chat started", el)
      await settle(el)
      expect(next.sent).to.deep.equal([])
      expect(sentEvents).to.have.length(1)
    } finally {
      el.remove()
    }
  })

  it('reports the unread count and the connection state as events', async () => {
    const { el, fake } = await mount({ mode: 'launcher' })
    const counts: number[] = []
    const states: string[] = []
    el.addEventListener('flow-chat-unread-changed', (e: FlowChatUnreadChangedEvent) => counts.push(e.count))
    document.addEventListener('flow-chat-connection-changed', (e) =>
      states.push((e as FlowChatConnectionChangedEvent).connection.state),
    )
    fake.messages$.next([botMessage([{ type: 'text', payload: { text: 'Hi' } }], { createdAt: 1 })])
    await settle(el)
    fake.messages$.next([...fake.messages$.value, botMessage([{ type: 'text', payload: { text: 'New' } }])])
    await settle(el)
    el.open()
    await settle(el)
    expect(counts).to.deep.equal([1, 0])
    fake.connection$.next({ state: 'offline' })
    await settle(el)
    fake.connection$.next({ state: 'open' })
    await settle(el)
    expect(states).to.deep.equal(['offline', 'open'])
  })

  it('takes a heading (a title attribute only as the old spelling), a position and an offset', async () => {
    const { el, root } = await mount({ mode: 'launcher' })
    el.setAttribute('title', 'Old spelling')
    el.open()
    await settle(el)
    expect(root.querySelector('h2')!.textContent.trim()).to.eq('Old spelling')
    el.heading = 'Support'
    el.position = 'bottom-left'
    el.offset = '32px 90px'
    await settle(el)
    expect(root.querySelector('h2')!.textContent.trim()).to.eq('Support')
    const style = getComputedStyle(el)
    expect(style.left).to.eq('32px')
    expect(style.bottom).to.eq('90px')
  })

  it('keeps its internals out of the public surface', async () => {
    const { el } = await mount()
    expect('text' in el).to.eq(false)
    expect(Object.keys(Object.getOwnPropertyDescriptors(Object.getPrototypeOf(el)))).to.include.members([
      'open',
      'close',
      'toggle',
      'send',
    ])
  })

  it('speaks a registered locale, right to left for Arabic', async () => {
    registerLocale('ar', ar)
    const { root } = await mount({ locale: 'ar-EG' })
    expect(root.querySelector('[part=panel]')!.getAttribute('dir')).to.eq('rtl')
    expect(root.querySelector('[part=send]')!.getAttribute('aria-label')).to.eq('إرسال')
    expect(getComputedStyle(root.querySelector('[part=panel]')!).direction).to.eq('rtl')
  })

  it('counts replies in the page title while the tab is hidden, only for a visitor who opted in', async () => {
    const { el, fake } = await mount()
    const previous = document.title
    document.title = 'Shop'
    const original = document.title
    let state: DocumentVisibilityState = 'hidden'
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state })
    try {
      fake.messages$.next([botMessage([{ type: 'text', payload: { text: 'Hi' } }], { createdAt: 1 })])
      await settle(el)
      fake.messages$.next([...fake.messages$.value, botMessage([{ type: 'text', payload: { text: 'A' } }])])
      await settle(el)
      expect(document.title, 'not opted in').to.eq(original)
      el.notify = true
      fake.messages$.next([...fake.messages$.value, botMessage([{ type: 'text', payload: { text: 'B' } }])])
      fake.messages$.next([...fake.messages$.value, botMessage([{ type: 'text', payload: { text: 'C' } }])])
      await settle(el)
      expect(document.title).to.eq(`(2) ${original}`)
      state = 'visible'
      document.dispatchEvent(new Event('visibilitychange'))
      expect(document.title).to.eq(original)
    } finally {
      delete (document as { visibilityState?: unknown }).visibilityState
      document.title = previous
    }
  })
})
