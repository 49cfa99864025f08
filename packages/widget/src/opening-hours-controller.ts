import type { ReactiveController, ReactiveControllerHost } from 'lit'
import type { BusinessHours } from '@flowchat/core/schemas'
import { openingState, type OpeningState } from './business-hours.js'

/**
 * Whether the business is open now, from its business hours, checked again every minute while the host is
 * connected (and with hours to check), so the closing banner appears and goes on time.
 *
 * @example
 * readonly #opening = new OpeningHoursController(this)
 * this.#opening.hours = await chat.businessHours()
 * html`${this.#opening.state.open ? '' : 'closed'}`
 */
export class OpeningHoursController implements ReactiveController {
  state: OpeningState = { open: true }
  #hours: readonly BusinessHours[] = []
  #timer: ReturnType<typeof setInterval> | undefined
  #connected = false

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly now: () => Date = () => new Date(),
  ) {
    host.addController(this)
  }

  /** The business hours to follow; none (or not a list) means always open. */
  set hours(hours: unknown) {
    this.#hours = Array.isArray(hours) ? (hours as readonly BusinessHours[]) : []
    this.#check()
    this.#schedule()
  }

  hostConnected(): void {
    this.#connected = true
    this.#schedule()
  }

  hostDisconnected(): void {
    this.#connected = false
    this.#schedule()
  }

  #schedule(): void {
    clearInterval(this.#timer)
    this.#timer = undefined
    if (this.#connected && this.#hours.length > 0) this.#timer = setInterval(() => this.#check(), 60_000)
  }

  #check(): void {
    this.state = openingState(this.#hours, this.now())
    this.host.requestUpdate()
  }
}
