import { expect, fixture, html, waitUntil } from '@open-wc/testing'
import type { FlowChatElement } from './flow-chat.component.js'
import type { FlowChatMessageReceivedEvent } from './events.js'
import { botMessage, fakeChat, ownMessage } from './testing/fake-chat.js'
import { mount, settle } from './testing/mount.js'

const hello = botMessage([{ type: 'text', payload: { text: 'Hello' } }], {
  createdAt: Date.now() - 3_600_000,
})
const text = (root: ShadowRoot, selector: string) => root.querySelector(selector)?.textContent?.trim()

describe('<flow-chat> states', () => {
  it('shows each own message state, with a retry action only when failed', async () => {
    const { root, fake, el } = await mount()
    const failed = ownMessage('d', { state: 'failed', error: 'rate limited' })
    fake.messages$.next([
      ownMessage('a', { state: 'pending' }),
      ownMessage('b', { state: 'sent' }),
      ownMessage('c', { state: 'delivered' }),
      failed,
    ])
    await settle(el)
    const states = [...root.querySelectorAll('[part=status]')].map((s) =>
      s.className.replace('status status-', ''),
    )
    expect(states).to.deep.equal(['pending', 'sent', 'delivered', 'failed'])
    expect(text(root, '.status-pending')).to.eq('Sending…')
    expect(text(root, '.status-delivered')).to.eq('Delivered')
    expect(root.querySelectorAll('[part=retry]').length).to.eq(1)
    expect(text(root, '.status-failed')).to.contain('rate limited')
    root.querySelector<HTMLButtonElement>('[part=retry]')!.click()
    expect(fake.retried).to.deep.equal([failed.id])
  })

  it('shows upload progress while a file is pending', async () => {
    const { root, fake, el } = await mount()
    fake.messages$.next([ownMessage('photo.png', { state: 'pending', progress: 0.4 })])
    await settle(el)
    const bar = root.querySelector<HTMLProgressElement>('progress[part=progress]')!
    expect(bar.value).to.be.closeTo(0.4, 0.001)
    fake.messages$.next([ownMessage('photo.png', { state: 'sent', progress: 1 })])
    await settle(el)
    expect(root.querySelector('progress')).to.eq(null)
  })

  it('shows the connection banner: reconnecting, offline with the queued count, failed', async () => {
    const { root, fake, el } = await mount()
    expect(root.querySelector('[part~=banner]')).to.eq(null)
    fake.connection$.next({ state: 'reconnecting', attempt: 2, retryInMs: 2000 })
    await settle(el)
    expect(text(root, '[part~=banner-reconnecting]')).to.eq('Connection lost. Reconnecting…')
    fake.connection$.next({ state: 'offline' })
    fake.queued$.next(3)
    await settle(el)
    expect(text(root, '[part~=banner-offline]')).to.eq(
      'You are offline. 3 messages will be sent when you are back online.',
    )
    fake.queued$.next(1)
    await settle(el)
    expect(text(root, '[part~=banner-offline]')).to.eq(
      'You are offline. 1 message will be sent when you are back online.',
    )
    fake.connection$.next({ state: 'failed', reason: 'token expired' })
    await settle(el)
    expect(root.querySelector('[part~=banner-failed]')!.getAttribute('role')).to.eq('alert')
    expect(text(root, '[part~=banner-failed]')).to.contain('token expired')
    fake.connection$.next({ state: 'open' })
    await settle(el)
    expect(root.querySelector('[part~=banner]')).to.eq(null)
  })

  it('shows the waiting-for-reply indicator while a reply is expected', async () => {
    const { root, fake, el } = await mount()
    expect(root.querySelector('[part=typing]')).to.eq(null)
    fake.awaitingReply$.next(true)
    await settle(el)
    expect(root.querySelector('[part=typing]')!.getAttribute('role')).to.eq('status')
    expect(text(root, '[part=typing] .visually-hidden')).to.eq('Chat is typing…')
    fake.connection$.next({ state: 'offline' })
    await settle(el)
    expect(root.querySelector('[part=typing]'), 'no typing dots while offline').to.eq(null)
    fake.connection$.next({ state: 'open' })
    await settle(el)
    expect(root.querySelector('[part=typing]')).to.not.eq(null)
    fake.awaitingReply$.next(false)
    await settle(el)
    expect(root.querySelector('[part=typing]')).to.eq(null)
  })

  it('keeps the launcher window open across a reload of the tab', async () => {
    sessionStorage.removeItem('flowchat:open')
    const first = await mount({ mode: 'launcher' })
    first.root.querySelector<HTMLButtonElement>('[part=launcher]')!.click()
    await settle(first.el)
    expect(sessionStorage.getItem('flowchat:open')).to.eq('1')
    first.el.remove()
    // What a reload does: a new element in the same tab.
    const again = await mount({ mode: 'launcher' })
    expect(again.el.opened).to.eq(true)
    expect(again.root.querySelector('[part=panel]')).to.not.eq(null)
    again.root.querySelector<HTMLButtonElement>('.close')!.click()
    await settle(again.el)
    expect(sessionStorage.getItem('flowchat:open')).to.eq(null)
  })

  it('shows a banner when a human agent took over or the bot is paused', async () => {
    const { root, fake, el } = await mount()
    fake.botStatus$.next({ state: 'handover' })
    await settle(el)
    expect(text(root, '[part~=banner-agent]')).to.eq('You are now chatting with a person.')
    fake.botStatus$.next({ state: 'paused' })
    await settle(el)
    expect(text(root, '[part~=banner-paused]')).to.eq('The assistant is paused. A person will answer.')
    fake.botStatus$.next({ state: 'active' })
    await settle(el)
    expect(root.querySelector('[part~=banner]')).to.eq(null)
  })

  it('shows the closed banner with the next opening the relay answered', async () => {
    const at = new Date(Date.now() + 3 * 86_400_000)
    const { root, el } = await mount({
      opening: [{ open: false, nextChangeAt: at.toISOString(), nextChangeInMs: 3 * 86_400_000 }],
    })
    await settle(el)
    const banner = text(root, '[part~=banner-closed]')!
    expect(banner).to.match(/^We are closed right now\. We open again /)
    expect(banner).to.contain(at.toLocaleDateString('en', { weekday: 'long' }))
  })

  it('shows no closed banner when an older relay answers the hours without whether the business is open', async () => {
    const { root, el, fake } = await mount({ opening: [{}] })
    await settle(el)
    expect(fake.openingCalls).to.eq(1)
    expect(text(root, '[part~=banner-closed]')).to.eq(undefined)
  })

  it('asks the relay again when the opening changes, and shows closed without a next opening', async function () {
    // The real timer is held to a second at least (checked with fake timers in test/opening-hours-controller.test.ts);
    // the bounds leave a loaded machine twenty times that, and still end a widget that never asks again.
    this.timeout(30_000)
    const { root, fake } = await mount({
      opening: [{ open: true, nextChangeAt: new Date().toISOString(), nextChangeInMs: 20 }, { open: false }],
    })
    await waitUntil(() => text(root, '[part~=banner-closed]') !== undefined, 'the closed banner shows', {
      timeout: 20_000,
    })
    expect(text(root, '[part~=banner-closed]')).to.eq('We are closed right now.')
    expect(fake.openingCalls).to.eq(2)
  })

  it('loads older history from a button and when scrolled to the top, keeping the reading position', async () => {
    const { root, fake, el } = await mount()
    const many = Array.from({ length: 30 }, (_, i) =>
      botMessage([{ type: 'text', payload: { text: `Message ${i}` } }]),
    )
    fake.messages$.next(many)
    fake.hasOlder$.next(true)
    await settle(el)
    const transcript = root.querySelector<HTMLElement>('.transcript')!
    expect(transcript.scrollTop).to.be.greaterThan(0)
    const older = Array.from({ length: 10 }, (_, i) =>
      botMessage([{ type: 'text', payload: { text: `Old ${i}` } }]),
    )
    fake.onLoadOlder = () => fake.messages$.next([...older, ...fake.messages$.value])
    const anchor = [...root.querySelectorAll('.message')][5]!
    const offset = () => anchor.getBoundingClientRect().top - transcript.getBoundingClientRect().top
    transcript.scrollTop = 0
    // Fired by hand: a page in a background tab (tests run two at a time) gets no rendering steps to fire it.
    transcript.dispatchEvent(new Event('scroll'))
    const before = offset()
    await new Promise((r) => setTimeout(r, 50))
    await settle(el)
    expect(fake.olderCalls).to.eq(1)
    expect(root.querySelectorAll('.message').length).to.eq(40)
    // The older messages went above, out of view: what the visitor was reading did not move.
    expect(offset()).to.be.closeTo(before, 2)
    root.querySelector<HTMLButtonElement>('.older')!.click()
    expect(fake.olderCalls).to.eq(2)
  })

  it('counts unread messages on the launcher and clears them on open', async () => {
    const { root, fake, el } = await mount({ mode: 'launcher' })
    fake.messages$.next([hello])
    await settle(el)
    fake.messages$.next([hello, botMessage([{ type: 'text', payload: { text: 'One' } }])])
    fake.messages$.next([...fake.messages$.value, botMessage([{ type: 'text', payload: { text: 'Two' } }])])
    await settle(el)
    expect(text(root, '[part=badge]')).to.eq('2')
    expect(root.querySelector('[part=launcher]')!.getAttribute('aria-label')).to.eq('Open chat (2 unread)')
    root.querySelector<HTMLButtonElement>('[part=launcher]')!.click()
    await settle(el)
    expect(el.opened).to.eq(true)
    expect(root.querySelector('[part=panel]')).to.not.eq(null)
    root.querySelector<HTMLButtonElement>('.close')!.click()
    await settle(el)
    expect(root.querySelector('[part=badge]')).to.eq(null)
  })

  it("says the launcher's unread count in the plural form of the widget's locale, not the browser's", async () => {
    const { root, fake, el } = await mount({ mode: 'launcher', locale: 'pl' })
    // Polish plural rules (its texts are not registered here): 3 is `few`, where English, the browser's, says `other`.
    el.strings = { unread: 'one:{count} nowa|few:{count} nowe|many:{count} nowych|other:{count} nowej' }
    fake.messages$.next([hello])
    await settle(el)
    const three = ['A', 'B', 'C'].map((t) => botMessage([{ type: 'text', payload: { text: t } }]))
    fake.messages$.next([hello, ...three])
    await settle(el)
    expect(root.querySelector('[part=launcher]')!.getAttribute('aria-label')).to.eq('Open chat (3 nowe)')
  })

  it('fires opened, closed and message-received, bubbling out of the shadow root', async () => {
    const { fake, el } = await mount({ mode: 'launcher' })
    const seen: string[] = []
    for (const name of ['flow-chat-opened', 'flow-chat-closed', 'flow-chat-message-received'] as const) {
      document.addEventListener(name, (e) =>
        seen.push(e.type + (e.composed && e.bubbles ? '' : ' (not composed)')),
      )
    }
    fake.messages$.next([hello])
    await settle(el)
    const reply = botMessage([{ type: 'text', payload: { text: 'Hi again' } }])
    let received: FlowChatMessageReceivedEvent | undefined
    el.addEventListener('flow-chat-message-received', (e) => (received = e), { once: true })
    fake.messages$.next([hello, ownMessage('x'), reply])
    el.opened = true
    await settle(el)
    el.opened = false
    await settle(el)
    expect(seen).to.deep.equal(['flow-chat-message-received', 'flow-chat-opened', 'flow-chat-closed'])
    expect(received!.message.id).to.eq(reply.id)
  })

  it('does not report history loaded on start or when scrolling up as received', async () => {
    const { fake, el } = await mount()
    const old = botMessage([{ type: 'text', payload: { text: 'old' } }], {
      createdAt: Date.now() - 86_400_000,
    })
    let count = 0
    el.addEventListener('flow-chat-message-received', () => count++)
    fake.messages$.next([old])
    await settle(el)
    fake.messages$.next([botMessage([], { createdAt: 1 }), old])
    await settle(el)
    expect(count).to.eq(0)
  })

  it('reads a locale written with an underscore (lang="nl_NL"), which Intl refuses, as its BCP 47 tag', async () => {
    const { root, fake, el } = await mount({ locale: 'nl_NL' })
    fake.messages$.next([botMessage([{ type: 'text', payload: { text: 'Hallo' } }])])
    fake.connection$.next({ state: 'offline' })
    fake.queued$.next(1)
    await settle(el)
    // Times as the visitor reads them (not 2026-05-01T09:30:00.000Z), plural forms by Dutch rules.
    expect(text(root, 'time')).to.match(/^\d\d:\d\d$/)
    expect(text(root, '[part~=banner-offline]')).to.eq(
      'Je bent offline. 1 bericht wordt verstuurd zodra je weer online bent.',
    )
  })

  it("formats times and plurals as the browser's locale does when Intl refuses the page's tag", async () => {
    const at = Date.UTC(2026, 4, 1, 9, 30)
    const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(at)
    for (const locale of ['xx-!!', '123']) {
      const { root, fake, el } = await mount({ locale })
      fake.messages$.next([botMessage([{ type: 'text', payload: { text: 'Hi' } }], { createdAt: at })])
      fake.connection$.next({ state: 'offline' })
      fake.queued$.next(1)
      await settle(el)
      // Not 2026-05-01T09:30:00.000Z, nor "1 messages" (the `other` form).
      expect(text(root, 'time'), locale).to.eq(clock)
      expect(text(root, '[part~=banner-offline]'), locale).to.eq(
        'You are offline. 1 message will be sent when you are back online.',
      )
    }
  })

  it('shows the closed banner without a time when the next opening is not one, and keeps rendering', async () => {
    const { root, fake, el } = await mount({ opening: [{ open: false, nextChangeAt: 'soon' }] })
    await waitUntil(() => text(root, '[part~=banner-closed]') !== undefined, 'the closed banner shows')
    expect(text(root, '[part~=banner-closed]')).to.eq('We are closed right now.')
    fake.messages$.next([botMessage([{ type: 'text', payload: { text: 'Still here' } }])])
    await settle(el)
    expect(text(root, '.bubble-text')).to.eq('Still here')
  })

  it('speaks Dutch, and takes your own strings on top', async () => {
    const { root, el } = await mount({ locale: 'nl-NL' })
    expect(root.querySelector('textarea')!.placeholder).to.eq('Typ een bericht…')
    el.strings = { placeholder: 'Vraag maar raak' }
    el.heading = 'Klantenservice'
    await settle(el)
    expect(root.querySelector('textarea')!.placeholder).to.eq('Vraag maar raak')
    expect(text(root, 'h2')).to.eq('Klantenservice')
    expect(root.querySelector('[part=send]')!.getAttribute('aria-label')).to.eq('Versturen')
  })

  it('has a log transcript, a polite live region and a label on every control', async () => {
    const { root } = await mount()
    const log = root.querySelector('[part=transcript]')!
    expect(log.getAttribute('role')).to.eq('log')
    expect(root.querySelector('[role=status][aria-live=polite]')).to.not.eq(null)
    for (const control of root.querySelectorAll('button, textarea')) {
      const name = control.getAttribute('aria-label') ?? control.textContent?.trim()
      expect(name, control.outerHTML).to.not.eq('')
    }
  })

  it('lets right-to-left text run right to left', async () => {
    const { root, fake, el } = await mount()
    fake.messages$.next([botMessage([{ type: 'text', payload: { text: 'مرحبا بك' } }])])
    await settle(el)
    expect(getComputedStyle(root.querySelector('.text')!).direction).to.eq('rtl')
  })

  it('creates no client without a relay and closes only the client it made', async () => {
    const fake = fakeChat()
    const el = await fixture<FlowChatElement>(html`<flow-chat mode="inline" .chat=${fake.chat}></flow-chat>`)
    el.remove()
    expect(fake.closed).to.eq(0)
    const bare = await fixture<FlowChatElement>(html`<flow-chat mode="inline"></flow-chat>`)
    expect(bare.shadowRoot!.querySelector('textarea')!.disabled).to.eq(true)
  })
})
