import type { ReactiveController, ReactiveControllerHost } from 'lit'

/** What the controller needs of an observable: RxJS's, or anything with the same `subscribe`. */
export interface Subscribable<T> {
  subscribe(observer: { next(value: T): void; error(error: unknown): void }): { unsubscribe(): void }
}

/**
 * Where RxJS meets Lit: holds the latest value of an observable and re-renders the host on each one. Subscribes
 * while the host is connected and unsubscribes when it disconnects, so a closed panel also closes its stream.
 * `refresh()` re-reads the source (its input changed, e.g. another thread) and starts from the initial value.
 * A stream that errors has ended: its last value stays, and `error` says why. `onValue` sees each value with
 * the one before it, before the host renders. Shared by `<flow-chat>` and the demo's operator console.
 *
 * @example
 * readonly threads = new ObserveController(this, () => this.client?.threads$, [])
 * render() { return html`${this.threads.value.length} threads` }
 */
export class ObserveController<T> implements ReactiveController {
  value: T
  /** Why the stream ended, when it failed. */
  error: string | undefined
  #subscription: { unsubscribe(): void } | undefined
  #connected = false
  readonly #host: ReactiveControllerHost
  readonly #source: () => Subscribable<T> | undefined
  readonly #initial: T
  readonly #onValue: ((next: T, previous: T) => void) | undefined

  constructor(
    host: ReactiveControllerHost,
    source: () => Subscribable<T> | undefined,
    initial: T,
    onValue?: (next: T, previous: T) => void,
  ) {
    this.#host = host
    this.#source = source
    this.#initial = initial
    this.#onValue = onValue
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

  /** Re-reads the source and starts over from the initial value. */
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
    if (!source || this.#subscription) return
    this.#subscription = source.subscribe({
      next: (value) => {
        this.#onValue?.(value, this.value)
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
