import { expect } from '@open-wc/testing'
import { FlowError } from '@flowchat/core'
import type { FlowChat } from './client-types.js'
import { botMessage, fakeChat } from './testing/fake-chat.js'
import { mount, settle, until } from './testing/mount.js'

const said = (text: string) => [botMessage([{ type: 'text', payload: { text } }])]
const transcript = (root: ShadowRoot) => root.querySelector('[part=transcript]')?.textContent ?? ''

/** The fake client with its `session()` answered by the test. */
function withSession(chat: FlowChat, session: () => Promise<{ threadId: string }>): FlowChat {
  return Object.assign(Object.create(chat) as FlowChat, { session })
}

describe('<flow-chat> session', () => {
  it('lets go of the thread when it leaves the page and opens it again when it comes back', async () => {
    const { el, fake, root } = await mount()
    let sessions = 0
    el.chat = withSession(fake.chat, () => (sessions++, Promise.resolve({ threadId: 'thread-1' })))
    fake.messages$.next(said('before'))
    await until(() => transcript(root).includes('before'), 'the thread shows', el)
    expect(sessions).to.eq(1)
    const parent = el.parentElement!
    el.remove()
    expect(fake.messages$.observed).to.eq(false)
    fake.messages$.next(said('while away'))
    parent.append(el)
    await until(() => transcript(root).includes('while away'), 'the thread shows again', el)
    expect(sessions).to.eq(2)
    expect(fake.closed).to.eq(0)
  })

  it('shows why the session could not start, until a new client starts one', async () => {
    const { el, fake, root } = await mount()
    el.chat = withSession(fake.chat, () => Promise.reject(new Error('relay said no')))
    await until(() => root.querySelector('[part~=banner-failed]') !== null, 'the failure shows', el)
    expect(root.querySelector('[part~=banner-failed]')!.textContent).to.contain('relay said no')
    expect(root.querySelector('textarea')!.disabled).to.eq(true)
    el.chat = fake.chat
    await until(() => root.querySelector('[part~=banner-failed]') === null, 'the failure goes', el)
    expect(root.querySelector('textarea')!.disabled).to.eq(false)
  })

  it('asks again after a back-off when the relay could not be reached', async () => {
    const { el, fake, root } = await mount()
    let sessions = 0
    // The relay is out of reach for the first start (restarting, or the network as the page loaded).
    el.chat = withSession(fake.chat, () =>
      ++sessions === 1
        ? Promise.reject(new FlowError('network', 'Network error: Failed to fetch.'))
        : Promise.resolve({ threadId: 'thread-1' }),
    )
    fake.messages$.next(said('back again'))
    await until(() => root.querySelector('[part~=banner-failed]') !== null, 'the failure shows', el)
    const deadline = Date.now() + 5_000
    while (!transcript(root).includes('back again') && Date.now() < deadline) await settle(el)
    expect(transcript(root)).to.contain('back again')
    expect(sessions).to.eq(2)
    expect(root.querySelector('[part~=banner-failed]')).to.eq(null)
    expect(root.querySelector('textarea')!.disabled).to.eq(false)
  })

  it('drops an answer that arrives after a newer client took over', async () => {
    const { el, root } = await mount()
    const first = fakeChat({ threadId: 'old' })
    const second = fakeChat({ threadId: 'new' })
    first.messages$.next(said('from the old client'))
    second.messages$.next(said('from the new client'))
    let answer: (value: { threadId: string }) => void = () => undefined
    el.chat = withSession(first.chat, () => new Promise((resolve) => (answer = resolve)))
    await settle(el)
    el.chat = second.chat
    await until(() => transcript(root).includes('from the new client'), 'the new thread shows', el)
    answer({ threadId: 'old' })
    await settle(el)
    expect(transcript(root)).to.contain('from the new client')
    expect(transcript(root)).to.not.contain('from the old client')
    expect(first.messages$.observed).to.eq(false)
  })
})
