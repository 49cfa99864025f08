import { fixture, html } from '@open-wc/testing'
import '../flow-chat.js'
import type { FlowChatElement } from '../flow-chat.component.js'
import { fakeChat } from './fake-chat.js'

/**
 * An inline `<flow-chat>` on a fake client, rendered and subscribed.
 *
 * @example
 * const { el, fake } = await mount()
 */
export async function mount(
  options: Parameters<typeof fakeChat>[0] & { mode?: 'inline' | 'launcher'; locale?: string } = {},
) {
  const fake = fakeChat(options)
  const el = await fixture<FlowChatElement>(
    html`<flow-chat
      mode=${options.mode ?? 'inline'}
      locale=${options.locale ?? 'en'}
      .chat=${fake.chat}
    ></flow-chat>`,
  )
  // The thread handle arrives after the session promise resolves.
  await new Promise((r) => setTimeout(r, 0))
  await el.updateComplete
  return { el, fake, root: el.shadowRoot! }
}

/** Waits for the element's next render. */
export async function settle(el: FlowChatElement): Promise<void> {
  await el.updateComplete
  // A timer, not requestAnimationFrame: background tabs (tests run two at a time) get no frames.
  await new Promise((r) => setTimeout(r, 0))
  await el.updateComplete
}

/** Resolves once `check` holds, polling on timers (background tabs get no animation frames). */
export async function until(check: () => boolean, what: string, el: FlowChatElement): Promise<void> {
  for (let i = 0; i < 200; i++) {
    await settle(el)
    if (check()) return
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error(`timed out waiting until ${what}`)
}
