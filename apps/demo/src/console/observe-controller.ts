import type { ReactiveController, ReactiveControllerHost } from 'lit'
import type { Observable, Subscription } from 'rxjs'

/**
 * Where RxJS meets Lit: holds the latest value of an observable and re-renders the host on each one. Subscribes
 * while the host is connected, so a console tab that closes a panel also closes its stream.
 *
 * @example
 * readonly threads = new ObserveController(this, () => this.client?.threads$, [])
 * render() { return html`${this.threads.value.length} threads` }
 */
export class ObserveController<T> implements ReactiveController {
  value: T
  /** Why the stream ended, when it failed (shown to the operator). */
  error: string | undefined
  #subscription: Subscription | undefined
  #connected = false
  readonly #host: ReactiveControllerHost
  readonly #source: () => Observable<T> | undefined
  readonly #initial: T

  constructor(host: ReactiveControllerHost, source: () => Observable<T> | undefined, initial: T) {
    this.#host = host
    this.#source = source
    this.#initial = initial
    this.value = initial
    host.addController(this)
  }

  hostConnected(): void {
    this.#connected = true
    this.#subscribe()
  }

  hostDisconnected(): void {
    this.#connected = false
    this.#subscription?.unsubscribe()
    this.#subscription = undefined
  }

  /** Re-reads the source (its input changed, e.g. another thread was opened) and starts over from the initial value. */
  refresh(): void {
    this.#subscription?.unsubscribe()
    this.#subscription = undefined
    this.value = this.#initial
    this.error = undefined
    if (this.#connected) this.#subscribe()
    this.#host.requestUpdate()
  }

  #subscribe(): void {
    const source = this.#source()
    if (!source) return
    this.#subscription = source.subscribe({
      next: (value) => {
        this.value = value
        this.#host.requestUpdate()
      },
      error: (error: unknown) => {
        this.error = error instanceof Error ? error.message : String(error)
        this.#host.requestUpdate()
      },
    })
  }
}
