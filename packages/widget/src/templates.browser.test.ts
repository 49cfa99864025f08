import { expect } from '@open-wc/testing'
import { emulateMedia, sendKeys } from '@web/test-runner-commands'
import { botMessage } from './testing/fake-chat.js'
import { mount, settle } from './testing/mount.js'
import { sampleTemplates } from './testing/samples.js'

const samples = sampleTemplates()

async function show(...keys: (keyof typeof samples)[]) {
  const mounted = await mount()
  mounted.fake.messages$.next([
    botMessage(
      keys.map((k) => samples[k]!),
      { fallback: 'Open this in the app' },
    ),
  ])
  await settle(mounted.el)
  return mounted
}

describe('<flow-chat> reply templates', () => {
  it('renders text with clickable safe links and keeps line breaks', async () => {
    const { root } = await show('text')
    const p = root.querySelector('.bubble-text .text')!
    expect(p.textContent).to.eq('Hello! Read https://flow.ai/docs.\nSecond line.')
    expect(getComputedStyle(p).whiteSpace).to.eq('pre-wrap')
    const a = p.querySelector('a')!
    expect(a.getAttribute('href')).to.eq('https://flow.ai/docs')
    expect(a.textContent).to.eq('https://flow.ai/docs')
    expect(a.rel).to.contain('noopener')
  })

  it('shows the last message quick replies; a text one sends its value, an event one triggers it with its label', async () => {
    const { root, fake, el } = await show('text')
    const chips = [...root.querySelectorAll<HTMLButtonElement>('[part~=quick-reply]')]
    expect(chips.map((c) => c.textContent?.trim())).to.deep.equal(['Yes', 'Trigger'])
    chips[0]!.click()
    chips[1]!.click()
    expect(fake.sent).to.deep.equal([
      { type: 'text', text: 'yes' },
      { type: 'event', eventName: 'EVT', label: 'Trigger' },
    ])
    // Once the visitor has answered, the chips of the earlier message are gone.
    fake.messages$.next([...fake.messages$.value, { ...botMessage([]), own: true, sender: 'visitor' }])
    await settle(el)
    expect(root.querySelector('[part~=quick-reply]')).to.eq(null)
  })

  it('keeps the composer in the window with hundreds of quick replies, and wraps a long label', async () => {
    const { root, fake, el } = await mount()
    const long =
      'A very long quick reply label that does not fit on one line of the chat window at all, '.repeat(2)
    const quickReplies = [
      { label: long, value: 'long', type: 'text' as const },
      ...Array.from({ length: 300 }, (_, i) => ({
        label: `Option ${i}`,
        value: `o${i}`,
        type: 'text' as const,
      })),
    ]
    fake.messages$.next([botMessage([{ type: 'text', payload: { text: 'Pick', quickReplies } }])])
    await settle(el)
    const panel = root.querySelector('[part=panel]')!.getBoundingClientRect()
    const input = root.querySelector('textarea')!.getBoundingClientRect()
    expect(input.bottom).to.be.at.most(panel.bottom + 1)
    expect(input.height).to.be.greaterThan(0)
    const bar = root.querySelector<HTMLElement>('[part=quick-replies]')!
    expect(bar.scrollHeight).to.be.greaterThan(bar.clientHeight)
    const chip = root.querySelector<HTMLElement>('[part~=quick-reply]')!
    expect(chip.getBoundingClientRect().width).to.be.at.most(bar.clientWidth)
    expect(chip.scrollWidth).to.be.at.most(chip.clientWidth + 1)
    expect(chip.getBoundingClientRect().height).to.be.greaterThan(40)
  })

  it('renders buttons: postback sends text, event triggers with its label, url and phone are links', async () => {
    const { root, fake } = await show('buttons')
    const bubble = root.querySelector('.bubble-buttons')!
    expect(bubble.querySelector('.text')!.textContent).to.eq('Some buttons')
    const [postback, event] = bubble.querySelectorAll<HTMLButtonElement>('button.button')
    postback!.click()
    event!.click()
    expect(fake.sent).to.deep.equal([
      { type: 'text', text: 'hello' },
      { type: 'event', eventName: 'WELCOME', label: 'Welcome' },
    ])
    const links = [...bubble.querySelectorAll('a.button')].map((a) => a.getAttribute('href'))
    expect(links).to.deep.equal(['https://flow.ai/', 'tel:+31201234567'])
  })

  it('renders a card with media, title, subtitle and buttons', async () => {
    const { root } = await show('card')
    const card = root.querySelector('.bubble-card [part=card]')!
    expect(card.querySelector('img')!.getAttribute('src')).to.eq('https://example.com/image.png')
    // The card's title names the image: an alt text would have a screen reader say it twice.
    expect(card.querySelector('img')!.getAttribute('alt')).to.eq('')
    expect(card.querySelector('.card-title')!.textContent).to.eq('A card')
    expect(card.querySelector('.card-subtitle')!.textContent).to.eq('With an image and a button')
    expect(card.querySelector('button')!.textContent?.trim()).to.eq('Choose')
  })

  it('renders a carousel that scrolls sideways, is focusable and labels each card', async () => {
    const { root } = await show('carousel')
    const track = root.querySelector<HTMLElement>('.carousel-track')!
    expect(track.tabIndex).to.eq(0)
    expect(getComputedStyle(track).overflowX).to.eq('auto')
    expect(track.scrollWidth).to.be.greaterThan(track.clientWidth)
    const cards = track.querySelectorAll('[part=card]')
    expect(cards.length).to.eq(3)
    expect(cards[1]!.getAttribute('aria-label')).to.eq('Card 2 (2 of 3)')
    // The next button moves the track; focus stays on the button.
    const next = root.querySelector<HTMLButtonElement>('.carousel-nav [aria-label=Next]')!
    next.focus()
    // Reduced motion scrolls at once: a smooth scroll needs animation frames, which a page in a background tab
    // (tests run two at a time) may not get.
    await emulateMedia({ reducedMotion: 'reduce' })
    try {
      next.click()
    } finally {
      await emulateMedia({ reducedMotion: 'no-preference' })
    }
    expect(track.scrollLeft).to.be.greaterThan(0)
    expect(root.activeElement).to.eq(next)
  })

  it('lets the keyboard reach every carousel button', async () => {
    const { root } = await show('carousel')
    root.querySelector<HTMLElement>('.carousel-track')!.focus()
    const reached: string[] = []
    for (let i = 0; i < 3; i++) {
      await sendKeys({ press: 'Tab' })
      reached.push(root.activeElement?.textContent?.trim() ?? '')
    }
    expect(reached).to.deep.equal(['Pick 1', 'Pick 2', 'Pick 3'])
  })

  it('renders a list with a featured item and list buttons', async () => {
    const { root } = await show('list')
    const items = root.querySelectorAll('.list-item')
    expect(items.length).to.eq(2)
    expect(items[0]!.classList.contains('featured')).to.eq(true)
    expect(items[0]!.querySelector('img')).to.not.eq(null)
    expect(items[1]!.querySelector('button')!.textContent?.trim()).to.eq('Choose')
    expect(root.querySelector('.list > .buttons button')!.textContent?.trim()).to.eq('More')
  })

  it('renders image, video, audio and file', async () => {
    const { root } = await show('image', 'video', 'audio', 'file')
    // The caption names the image: the alt text does not say it a second time.
    expect(root.querySelector('.bubble-image img')!.getAttribute('alt')).to.eq('')
    expect(root.querySelector('.bubble-image figcaption')!.textContent).to.eq('An image')
    const video = root.querySelector<HTMLVideoElement>('.bubble-video video')!
    expect(video.getAttribute('src')).to.eq('https://example.com/video.mp4')
    expect(video.getAttribute('poster')).to.eq('https://example.com/image.png')
    expect(video.controls).to.eq(true)
    expect(root.querySelector<HTMLAudioElement>('.bubble-audio audio')!.controls).to.eq(true)
    const file = root.querySelector<HTMLAnchorElement>('.bubble-file a[part=file]')!
    expect(file.getAttribute('href')).to.eq('https://example.com/report.pdf')
    expect(file.hasAttribute('download')).to.eq(true)
    expect(file.textContent).to.contain('report.pdf')
  })

  it('renders a location as a map link', async () => {
    const { root } = await show('location')
    const a = root.querySelector<HTMLAnchorElement>('[part=location]')!
    expect(a.getAttribute('href')).to.eq(
      'https://www.openstreetmap.org/?mlat=52.3676&mlon=4.9041#map=16/52.3676/4.9041',
    )
    expect(a.textContent).to.contain('Flow.ai, Amsterdam')
  })

  it('shows the fallback text for any other type', async () => {
    const { root } = await show('other')
    expect(root.querySelector('.bubble-other .fallback')!.textContent).to.eq('Open this in the app')
  })

  it('shows a generic line for another type without fallback', async () => {
    const { root, fake, el } = await mount()
    fake.messages$.next([botMessage([samples.other!])])
    await settle(el)
    expect(root.querySelector('.fallback')!.textContent).to.eq('This message cannot be shown here.')
  })

  it('renders every template of one message, in order', async () => {
    const keys = Object.keys(samples)
    const { root } = await show(...keys)
    const types = [...root.querySelectorAll('[part=bubble]')].map((b) =>
      b.className.replace('bubble bubble-', ''),
    )
    expect(types).to.deep.equal(keys)
  })

  it('names an agent message sender and shows avatars only from safe URLs', async () => {
    const { root, fake, el } = await mount()
    fake.messages$.next([
      botMessage([samples.text!], {
        sender: 'agent',
        senderName: 'Ann',
        avatarUrl: 'https://example.com/ann.png',
      }),
    ])
    await settle(el)
    expect(root.querySelector('.message.agent .sender')!.textContent).to.eq('Ann')
    expect(root.querySelector('.avatar')!.getAttribute('src')).to.eq('https://example.com/ann.png')
  })
})
