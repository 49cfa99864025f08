import type { ReactiveController, ReactiveControllerHost } from 'lit'

/**
 * Replies that arrive while the tab is hidden, for a visitor who opted in: a count in front of the page's title
 * (`(2) Shop`) until they come back, and a browser notification when they allowed notifications. The permission
 * prompt is only ever shown from something the visitor did ({@link HiddenTabController.ask}).
 *
 * @example
 * readonly #hidden = new HiddenTabController(this)
 * this.#hidden.arrived('Bot', 'Your order shipped')
 */
export class HiddenTabController implements ReactiveController {
  readonly #host: ReactiveControllerHost & { readonly notify: boolean }
  #count = 0
  #title: string | undefined

  /** The host's `notify` says whether the visitor opted in. */
  constructor(host: ReactiveControllerHost & { readonly notify: boolean }) {
    this.#host = host
    host.addController(this)
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.#onVisibility)
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.#onVisibility)
    this.#restore()
  }

  /** Asks for permission to notify, if the visitor opted in and was not asked yet. Call from a user gesture. */
  ask(): void {
    if (this.#host.notify && globalThis.Notification?.permission === 'default') {
      void Notification.requestPermission().catch(() => undefined)
    }
  }

  /** A reply arrived: counts it in the title and notifies, when the tab is hidden and the visitor opted in. */
  arrived(title: string, body: string): void {
    if (!this.#host.notify || document.visibilityState !== 'hidden') return
    this.#title ??= document.title
    this.#count++
    document.title = `(${this.#count}) ${this.#title}`
    try {
      if (globalThis.Notification?.permission === 'granted') {
        new Notification(title, { body, tag: 'flow-chat' })
      }
    } catch {
      // Some browsers only notify through a service worker: the title count still tells.
    }
  }

  #onVisibility = () => {
    if (document.visibilityState === 'visible') this.#restore()
  }

  #restore(): void {
    if (this.#title !== undefined) document.title = this.#title
    this.#title = undefined
    this.#count = 0
  }
}
