import type { ReactiveControllerHost } from 'lit'
import type { FlowChat } from './client-types.js'

/**
 * Whether the business is open, as the relay answered: `nextChangeAt` is the next opening while closed. No `open`
 * (an older relay) is unknown and shows no closing banner.
 */
export type OpeningState = Pick<Awaited<ReturnType<FlowChat['opening']>>, 'open' | 'nextChangeAt'>

/**
 * Whether the business is open now, as the relay reads its business hours (with the relay's clock): asked again
 * when the relay says that next changes, so the closing banner appears and goes on time, while a visitor's wrong
 * clock plays no part. The session controller starts and stops it with the session.
 *
 * @example
 * readonly #opening = new OpeningHoursController(this)
 * this.#opening.follow(chat)
 * html`${this.#opening.state.open ? '' : 'closed'}`
 */
export class OpeningHoursController {
  state: OpeningState = { open: true }
  // One per call to `follow`: an answer or timer of an older call is dropped, even for the same client (an element
  // moved in the page follows its client again while the first answer is on its way: two loops otherwise).
  #call = 0
  #timer: ReturnType<typeof setTimeout> | undefined

  readonly #host: ReactiveControllerHost

  constructor(host: ReactiveControllerHost) {
    this.#host = host
  }

  /** Follows a client's opening (none: stops, and counts as open). A failed answer shows no closing banner. */
  follow(chat?: FlowChat): void {
    clearTimeout(this.#timer)
    this.state = { open: true }
    this.#host.requestUpdate()
    this.#ask(chat, ++this.#call)
  }

  /**
   * Asks `chat`, and again when the answer says the opening changes. The wait is held to a second at least and a
   * day at most, so an odd answer can neither make the widget ask in a loop nor keep it from noticing new hours:
   * an answer without a change (no hours, or no opening ahead) is asked again a day later, for hours added since.
   * A failed repeat (the state was about to change) is tried again a minute later.
   */
  #ask(chat: FlowChat | undefined, call: number, again = false): void {
    const later = (ms: number) => {
      if (call === this.#call)
        this.#timer = setTimeout(() => this.#ask(chat, call, true), Math.min(Math.max(ms, 1e3), 864e5))
    }
    // Through a promise: a page's own client that throws (or has no `opening`) costs only the banner.
    Promise.resolve(chat)
      .then((c) => c?.opening())
      .then(
        (answer) => {
          if (!answer || call !== this.#call) return
          this.state = answer
          this.#host.requestUpdate()
          later(answer.nextChangeInMs ?? 864e5)
        },
        () => {
          if (again) later(6e4)
        },
      )
  }
}
