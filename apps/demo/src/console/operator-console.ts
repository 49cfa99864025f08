import { html, LitElement, css, type PropertyDeclarations } from 'lit'
import type { BusinessHours, Connection, OperatorChat, ThreadSummary } from '@flowchat/core'
import './business-hours-panel.js'
import { consoleStyles } from './console-styles.js'
import { ObserveController } from '@flowchat/widget'
import './thread-list.js'
import type { ThreadSelectEvent } from './thread-list.js'
import './thread-panel.js'

/**
 * The operator console: every live thread on the left (from the relay's operator stream), the open thread on
 * the right, business hours below the list. Needs a `OperatorChat` client made with an operator session.
 */
export class OperatorConsole extends LitElement {
  static override properties: PropertyDeclarations = {
    client: { attribute: false },
    selected: { state: true },
    schedules: { state: true },
    hoursError: { state: true },
    triggerEvents: { state: true },
  }
  static override styles = [
    consoleStyles,
    css`
      :host {
        display: grid;
        grid-template-columns: minmax(16rem, 22rem) 1fr;
        grid-template-rows: auto 1fr;
        height: 100vh;
        background: var(--bg);
      }
      header {
        grid-column: 1 / -1;
        display: flex;
        align-items: baseline;
        gap: 1rem;
        padding: 0.75rem 1rem;
        background: var(--panel);
        border-bottom: 1px solid var(--line);
      }
      header h1 {
        font-size: 16px;
        margin: 0;
      }
      aside {
        display: flex;
        flex-direction: column;
        min-height: 0;
        background: var(--panel);
        border-right: 1px solid var(--line);
      }
      console-thread-list {
        flex: 1;
        overflow-y: auto;
      }
      main {
        min-height: 0;
        margin: 0.75rem;
        background: var(--panel);
        border: 1px solid var(--line);
        border-radius: 10px;
        overflow: hidden;
      }
    `,
  ]

  declare client: OperatorChat | undefined
  declare selected: string | undefined
  declare schedules: readonly BusinessHours[] | undefined
  declare hoursError: string | undefined
  declare triggerEvents: readonly string[]

  readonly #threads = new ObserveController<readonly ThreadSummary[]>(this, () => this.client?.threads$, [])
  readonly #connection = new ObserveController<Connection>(this, () => this.client?.connection$, {
    state: 'idle',
  })

  constructor() {
    super()
    this.client = undefined
    this.selected = undefined
    this.schedules = undefined
    this.hoursError = undefined
    this.triggerEvents = []
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('client')) {
      this.#threads.refresh()
      this.#connection.refresh()
      void this.#loadProject()
    }
  }

  protected override updated(): void {
    // The open thread is being read: a message that reaches the list after the panel showed it is read too,
    // so the open thread never keeps a badge.
    const open = this.selected
    if (open && this.#threads.value.some((t) => t.threadId === open && t.unread > 0)) {
      this.client?.operator.markRead(open)
    }
  }

  /** Business hours and trigger events change rarely: read once per client. */
  async #loadProject(): Promise<void> {
    const client = this.client
    if (!client) return
    await Promise.all([
      client.businessHours().then(
        (hours) => (this.schedules = hours),
        (error: unknown) => (this.hoursError = error instanceof Error ? error.message : String(error)),
      ),
      client.operator.triggerEvents().then(
        (events) => (this.triggerEvents = events),
        () => (this.triggerEvents = []),
      ),
    ])
  }

  /** New conversations appear live only while the all-threads stream is open: say so. */
  #renderConnection(connection: Connection) {
    if (connection.state === 'failed') {
      return html`<span class="error" role="alert"
        >Not receiving updates: ${connection.reason}. Reload to try again.</span
      >`
    }
    const text = { open: 'Live', offline: 'Offline', reconnecting: 'Reconnecting…' }[
      connection.state as string
    ]
    return html`<span class="muted" role="status" aria-label="Updates">${text ?? 'Connecting…'}</span>`
  }

  override render() {
    const threads = this.#threads.value
    return html`
      <header>
        <h1>flowchat operator console</h1>
        <span class="muted"
          >${threads.length} ${threads.length === 1 ? 'conversation' : 'conversations'}</span
        >
        ${this.#threads.error ? html`<span class="error" role="alert">${this.#threads.error}</span>` : ''}
        ${this.#renderConnection(this.#connection.value)}
      </header>
      <aside>
        <console-thread-list
          .threads=${threads}
          .selected=${this.selected}
          @thread-select=${(event: ThreadSelectEvent) => (this.selected = event.threadId)}
        ></console-thread-list>
        <console-business-hours
          .schedules=${this.schedules}
          .error=${this.hoursError}
        ></console-business-hours>
      </aside>
      <main>
        <console-thread-panel
          .client=${this.client}
          .threadId=${this.selected}
          .triggerEvents=${this.triggerEvents}
        ></console-thread-panel>
      </main>
    `
  }
}

customElements.define('operator-console', OperatorConsole)

declare global {
  interface HTMLElementTagNameMap {
    'operator-console': OperatorConsole
  }
}
