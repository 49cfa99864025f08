import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { FlowChatUnreadChangedEvent } from './events.js'
import { chime } from './sound.js'

/**
 * The launcher's unread count and the arrival chime: replies that arrive while the window is closed count
 * until it opens; with sound on, a reply the visitor cannot see (window closed or tab hidden) chimes. Every
 * change of the count is told to the page as a `flow-chat-unread-changed` event, once the host rendered it.
 *
 * @example
 * readonly #unread = new UnreadController(this)
 * this.#unread.arrived(2, { unseen: !this.opened, sound: this.sound })
 */
export class UnreadController implements ReactiveController {
  readonly #host: ReactiveControllerHost & EventTarget
  #count = 0
  /** The count changed since the host last rendered: the event goes out once it has. */
  #changed = false

  constructor(host: ReactiveControllerHost & EventTarget) {
    this.#host = host
    host.addController(this)
  }

  /** Replies the visitor has not seen. */
  get count(): number {
    return this.#count
  }

  /** `n` replies arrived; `unseen` when the window is closed. */
  arrived(n: number, options: { unseen: boolean; sound: boolean }): void {
    if (options.unseen) this.#set(this.#count + n)
    if (options.sound && (options.unseen || document.visibilityState === 'hidden')) chime()
  }

  /** The visitor sees the transcript (the window opened) or the chat was reset. */
  clear(): void {
    this.#set(0)
  }

  hostUpdated(): void {
    if (!this.#changed) return
    this.#changed = false
    this.#host.dispatchEvent(new FlowChatUnreadChangedEvent(this.#count))
  }

  #set(count: number): void {
    if (count === this.#count) return
    this.#count = count
    this.#changed = true
    this.#host.requestUpdate()
  }
}
