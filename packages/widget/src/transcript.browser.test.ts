import { expect } from '@open-wc/testing'
import { botMessage, ownMessage } from './testing/fake-chat.js'
import { mount, settle, until } from './testing/mount.js'
import { WINDOW_MAX, WINDOW_PAGE } from './transcript-controller.js'

const says = (text: string) => botMessage([{ type: 'text', payload: { text } }])
const many = (n: number, prefix = 'Message') => Array.from({ length: n }, (_, i) => says(`${prefix} ${i}`))
const rendered = (root: ShadowRoot) =>
  [...root.querySelectorAll('.message')].map((m) => m.querySelector('.text')?.textContent?.trim())

const atBottom = (t: HTMLElement) => t.scrollHeight - t.scrollTop - t.clientHeight < 2

/**
 * Scrolls as the visitor would. The event is dispatched by hand: a page in a background tab (tests run two at a
 * time) gets no rendering steps, where the browser would fire it.
 */
function scroll(t: HTMLElement, top: number): void {
  t.scrollTop = top
  t.dispatchEvent(new Event('scroll'))
}

describe('<flow-chat> transcript at length', () => {
  it('renders a window of the newest messages, whatever the length', async () => {
    const { root, fake, el } = await mount()
    fake.messages$.next(many(5_000))
    await settle(el)
    const shown = rendered(root)
    expect(shown.length).to.eq(WINDOW_PAGE)
    expect(shown.at(-1)).to.eq('Message 4999')
    fake.messages$.next([...fake.messages$.value, says('Newest')])
    await settle(el)
    expect(rendered(root).length).to.eq(WINDOW_PAGE)
    expect(rendered(root).at(-1)).to.eq('Newest')
    const transcript = root.querySelector<HTMLElement>('.transcript')!
    expect(atBottom(transcript)).to.eq(true)
  })

  it('renders loaded messages above as the visitor scrolls up, keeping what they read in place, and goes back down', async () => {
    const { root, fake, el } = await mount()
    fake.messages$.next(many(1_000))
    await settle(el)
    const transcript = root.querySelector<HTMLElement>('.transcript')!
    const firstShown = root.querySelector<HTMLElement>('.message')!
    const offset = () => firstShown.getBoundingClientRect().top - transcript.getBoundingClientRect().top
    scroll(transcript, 0)
    const before = offset()
    await until(() => rendered(root).length === 2 * WINDOW_PAGE, 'the window grew by a page', el)
    expect(rendered(root)[0]).to.eq(`Message ${1_000 - 2 * WINDOW_PAGE}`)
    expect(offset()).to.be.closeTo(before, 2)
    // Far up, the window keeps its size by dropping the newest end: the DOM stays small.
    for (let i = 0; i < 6; i++) {
      scroll(transcript, 0)
      await until(() => transcript.scrollTop > 0, 'the view was anchored again', el)
    }
    expect(rendered(root).length).to.be.at.most(WINDOW_MAX)
    expect(rendered(root).at(-1)).to.not.eq('Message 999')
    // Reading back down moves the window down until it meets the newest message again.
    for (let i = 0; i < 10 && rendered(root).at(-1) !== 'Message 999'; i++) {
      scroll(transcript, transcript.scrollHeight)
      await until(() => !atBottom(transcript) || rendered(root).at(-1) === 'Message 999', 'moved down', el)
    }
    expect(rendered(root).at(-1)).to.eq('Message 999')
  })

  it('stops following when the visitor scrolls up, offers the new messages, and follows their own send', async () => {
    const { root, fake, el } = await mount()
    fake.messages$.next(many(60))
    await settle(el)
    const transcript = root.querySelector<HTMLElement>('.transcript')!
    scroll(transcript, transcript.scrollHeight - transcript.clientHeight - 400)
    await until(() => !atBottom(transcript), 'scrolled up', el)
    await new Promise((r) => setTimeout(r, 20))
    const top = transcript.scrollTop
    fake.messages$.next([...fake.messages$.value, says('One'), says('Two')])
    await until(() => root.querySelector('.new-messages') !== null, 'the cue shows', el)
    expect(root.querySelector('.new-messages')!.textContent).to.contain('2')
    expect(transcript.scrollTop).to.be.closeTo(top, 2)
    root.querySelector<HTMLButtonElement>('.new-messages')!.click()
    await until(() => atBottom(transcript) && rendered(root).at(-1) === 'Two', 'back at the newest', el)
    expect(root.querySelector('.new-messages')).to.eq(null)

    scroll(transcript, 0)
    await until(() => !atBottom(transcript), 'scrolled up again', el)
    const textarea = root.querySelector('textarea')!
    textarea.value = 'Mine'
    textarea.dispatchEvent(new Event('input'))
    await settle(el)
    root.querySelector<HTMLButtonElement>('[part=send]')!.click()
    fake.messages$.next([...fake.messages$.value, ownMessage('Mine')])
    await until(() => atBottom(transcript) && rendered(root).at(-1) === 'Mine', 'the own send shows', el)
  })

  it('announces arrivals from others in a polite live region, not history or window moves', async () => {
    const { root, fake, el } = await mount()
    fake.messages$.next(many(100, 'Old'))
    await settle(el)
    const live = root.querySelector('[role=status][aria-live=polite]')!
    expect(live.textContent?.trim()).to.eq('')
    expect(root.querySelector('[part=transcript]')!.getAttribute('aria-live')).to.eq('off')
    fake.messages$.next([...fake.messages$.value, says('Fresh news')])
    await settle(el)
    expect(live.textContent?.trim()).to.eq('Bot: Fresh news')
  })
})
