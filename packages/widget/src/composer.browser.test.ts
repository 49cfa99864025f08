import { expect } from '@open-wc/testing'
import { sendKeys } from '@web/test-runner-commands'
import { botMessage } from './testing/fake-chat.js'
import { mount, settle } from './testing/mount.js'

describe('<flow-chat> composer and keyboard', () => {
  it('sends on Enter, adds a line on Shift+Enter, and keeps focus in the text area', async () => {
    const { root, fake, el } = await mount()
    const sent: string[] = []
    el.addEventListener('flow-chat-message-sent', (e) => sent.push(e.detail.type))
    const input = root.querySelector('textarea')!
    input.focus()
    await sendKeys({ type: 'first' })
    await sendKeys({ down: 'Shift' })
    await sendKeys({ press: 'Enter' })
    await sendKeys({ up: 'Shift' })
    await sendKeys({ type: 'second' })
    await settle(el)
    expect(input.value).to.eq('first\nsecond')
    expect(fake.sent).to.deep.equal([])
    await sendKeys({ press: 'Enter' })
    await settle(el)
    expect(fake.sent).to.deep.equal([{ type: 'text', text: 'first\nsecond' }])
    expect(sent).to.deep.equal(['text'])
    expect(input.value).to.eq('')
    expect(root.activeElement).to.eq(input)
  })

  it('sends nothing for blank text', async () => {
    const { root, fake } = await mount()
    root.querySelector('textarea')!.focus()
    await sendKeys({ type: '   ' })
    await sendKeys({ press: 'Enter' })
    expect(fake.sent).to.deep.equal([])
  })

  it('shows the character count and stops at 255', async () => {
    const { root, el } = await mount()
    const input = root.querySelector('textarea')!
    expect(input.maxLength).to.eq(255)
    input.focus()
    await sendKeys({ type: 'hello' })
    await settle(el)
    expect(root.querySelector('[part=counter] [aria-hidden]')!.textContent).to.eq('5/255')
    expect(input.getAttribute('aria-describedby')).to.eq('counter')
    input.value = 'x'.repeat(250)
    input.dispatchEvent(new Event('input'))
    await settle(el)
    expect(root.querySelector('[part=counter]')!.classList.contains('near')).to.eq(true)
  })

  it('reaches the controls with Tab and sends with the send button from the keyboard', async () => {
    const { root, fake, el } = await mount()
    const input = root.querySelector('textarea')!
    input.focus()
    await sendKeys({ type: 'by button' })
    await settle(el)
    const order: (string | null)[] = []
    for (let i = 0; i < 3; i++) {
      await sendKeys({ press: 'Tab' })
      order.push(root.activeElement?.getAttribute('part') ?? null)
    }
    expect(order).to.deep.equal(['attach', 'location', 'send'])
    await sendKeys({ press: 'Enter' })
    expect(fake.sent).to.deep.equal([{ type: 'text', text: 'by button' }])
  })

  it('never moves focus when messages arrive', async () => {
    const { root, fake, el } = await mount()
    const input = root.querySelector('textarea')!
    input.focus()
    await sendKeys({ type: 'typing' })
    fake.messages$.next([botMessage([{ type: 'text', payload: { text: 'Incoming' } }])])
    fake.awaitingReply$.next(true)
    await settle(el)
    expect(root.activeElement).to.eq(input)
    expect(input.value).to.eq('typing')
  })

  it('opens from the launcher into the text area and closes on Escape back to the launcher', async () => {
    const { root, el } = await mount({ mode: 'launcher' })
    const launcher = root.querySelector<HTMLButtonElement>('[part=launcher]')!
    launcher.focus()
    await sendKeys({ press: 'Enter' })
    await settle(el)
    expect(el.opened).to.eq(true)
    expect(root.activeElement?.tagName).to.eq('TEXTAREA')
    await sendKeys({ press: 'Escape' })
    await settle(el)
    expect(el.opened).to.eq(false)
    expect(root.activeElement).to.eq(root.querySelector('[part=launcher]'))
  })

  it('uploads files from the picker, a drop and a paste', async () => {
    const { root, fake, el } = await mount()
    const file = new File(['hello'], 'note.txt', { type: 'text/plain' })
    const image = new File(['png'], 'photo.png', { type: 'image/png' })
    const picker = root.querySelector<HTMLInputElement>('input[type=file]')!
    let opened = false
    picker.addEventListener('click', (e) => {
      opened = true
      e.preventDefault()
    })
    root.querySelector<HTMLButtonElement>('[part=attach]')!.click()
    expect(opened).to.eq(true)
    const list = new DataTransfer()
    list.items.add(file)
    picker.files = list.files
    picker.dispatchEvent(new Event('change'))

    const drop = new DataTransfer()
    drop.items.add(image)
    const panel = root.querySelector('[part=panel]')!
    panel.dispatchEvent(new DragEvent('dragover', { dataTransfer: drop, bubbles: true, cancelable: true }))
    await settle(el)
    expect(root.querySelector('.drop')!.textContent).to.eq('Drop files to send them')
    panel.dispatchEvent(new DragEvent('drop', { dataTransfer: drop, bubbles: true, cancelable: true }))

    const paste = new DataTransfer()
    paste.items.add(file)
    root
      .querySelector('textarea')!
      .dispatchEvent(new ClipboardEvent('paste', { clipboardData: paste, bubbles: true }))
    await settle(el)

    expect(root.querySelector('.drop')).to.eq(null)
    // The client takes the media type from the file's (core's build-send tests).
    expect(fake.sent.map((s) => (s.type === 'upload' ? [s.filename, s.file.type] : s.type))).to.deep.equal([
      ['note.txt', 'text/plain'],
      ['photo.png', 'image/png'],
      ['note.txt', 'text/plain'],
    ])
  })

  it('shares the location from the Geolocation API, and says so when it is denied', async () => {
    const { root, fake, el } = await mount()
    const geo = navigator.geolocation
    const original = geo.getCurrentPosition.bind(geo)
    let deny = false
    geo.getCurrentPosition = (ok, fail) => {
      if (deny) fail?.({ code: 1, PERMISSION_DENIED: 1 } as GeolocationPositionError)
      else ok({ coords: { latitude: 52.1234567, longitude: 4.5 } } as GeolocationPosition)
    }
    try {
      root.querySelector<HTMLButtonElement>('[part=location]')!.click()
      expect(fake.sent).to.deep.equal([{ type: 'location', lat: 52.123457, long: 4.5 }])
      deny = true
      root.querySelector<HTMLButtonElement>('[part=location]')!.click()
      await settle(el)
      expect(root.querySelector('.notice')!.textContent).to.eq('Location access was denied.')
    } finally {
      geo.getCurrentPosition = original
    }
  })
})
