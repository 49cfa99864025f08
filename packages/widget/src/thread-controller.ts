import type { ReactiveController, ReactiveControllerHost } from 'lit'
import type { Observable } from 'rxjs'
import type { BotStatus, ChatMessage, Connection, ThreadHandle } from './client-types.js'

/** The thread's state as the widget renders it. */
export interface ThreadView {
  messages: readonly ChatMessage[]
  connection: Connection
  botStatus: BotStatus
  awaitingReply: boolean
  queued: number
  hasOlder: boolean
}

const initial: ThreadView = {
  messages: [],
  connection: { state: 'idle' },
  botStatus: { state: 'active' },
  awaitingReply: false,
  queued: 0,
  hasOlder: false,
}

/**
 * Where RxJS meets Lit: subscribes to one thread's observables while the host is connected, unsubscribes when
 * it disconnects, and asks the host to render on every value. Only `subscribe` is called on the streams, so
 * any object with an RxJS-style `subscribe` works (the built-bundle test relies on that). `onMessages` sees each new message list before
 * the render, so the host can tell new arrivals from history.
 *
 * @example
 * const thread = new ThreadController(this, (prev, next) => this.#arrived(prev, next))
 * thread.handle = chat.thread(threadId)
 * html`${thread.view.messages.length} messages`
 */
export class ThreadController implements ReactiveController {
  view: ThreadView = initial
  #handle: ThreadHandle | undefined
  #subscriptions: { unsubscribe(): void }[] = []
  #connected = false

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly onMessages: (previous: readonly ChatMessage[], next: readonly ChatMessage[]) => void,
  ) {
    host.addController(this)
  }

  get handle(): ThreadHandle | undefined {
    return this.#handle
  }

  set handle(handle: ThreadHandle | undefined) {
    if (handle === this.#handle) return
    this.#unsubscribe()
    this.#handle = handle
    this.view = initial
    if (this.#connected) this.#subscribe()
    this.host.requestUpdate()
  }

  hostConnected(): void {
    this.#connected = true
    this.#subscribe()
  }

  hostDisconnected(): void {
    this.#connected = false
    this.#unsubscribe()
  }

  #subscribe(): void {
    const h = this.#handle
    if (!h || this.#subscriptions.length > 0) return
    this.#watch(h.messages$, (messages) => {
      const list = Array.isArray(messages) ? messages : []
      this.onMessages(this.view.messages, list)
      return { messages: list }
    })
    this.#watch(h.connection$, (connection) => ({ connection }))
    this.#watch(h.botStatus$, (botStatus) => ({ botStatus }))
    this.#watch(h.awaitingReply$, (awaitingReply) => ({ awaitingReply: awaitingReply === true }))
    this.#watch(h.queued$, (queued) => ({ queued: Number(queued) || 0 }))
    this.#watch(h.hasOlder$, (hasOlder) => ({ hasOlder: hasOlder === true }))
  }

  #watch<T>(source: Observable<T> | undefined, patch: (value: T) => Partial<ThreadView>): void {
    if (!source || typeof source.subscribe !== 'function') return
    this.#subscriptions.push(
      source.subscribe({
        next: (value) => {
          this.view = { ...this.view, ...patch(value) }
          this.host.requestUpdate()
        },
        // A stream that errors has ended; the last state stays on screen rather than breaking the widget.
        error: () => undefined,
      }),
    )
  }

  #unsubscribe(): void {
    for (const s of this.#subscriptions) s.unsubscribe()
    this.#subscriptions = []
  }
}
