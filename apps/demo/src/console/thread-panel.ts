import { html, LitElement, css, nothing, type PropertyDeclarations, type PropertyValues } from 'lit'
import { catchError, defer, EMPTY, map, merge, skip, type Observable } from 'rxjs'
import type { ChatMessage, OperatorChat, ThreadBotStatus as BotStatus } from '@flowchat/core'
import { consoleStyles } from './console-styles.js'
import { ObserveController } from '@flowchat/widget'
import { botStatusLabel, formatTime, previewText, senderLabel } from './message-preview.js'

/** Handover pauses the bot for this long (Flow.ai's `secondsToPause`); the operator can resume earlier. */
const HANDOVER_SECONDS = 600

/**
 * One open thread: its live transcript, the bot's state with pause, resume and hand over, a manual event trigger,
 * and a reply box that speaks as a human agent (role `moderator`, which also pauses the bot on Flow.ai).
 */
export class ConsoleThreadPanel extends LitElement {
  static override properties: PropertyDeclarations = {
    client: { attribute: false },
    threadId: { attribute: false },
    triggerEvents: { attribute: false },
    busy: { state: true },
    actionError: { state: true },
  }
  static override styles = [
    consoleStyles,
    css`
      :host {
        display: grid;
        grid-template-rows: auto 1fr auto;
        height: 100%;
        min-height: 0;
      }
      header {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem;
        padding: 0.75rem 1rem;
        border-bottom: 1px solid var(--line);
      }
      header h2 {
        font-size: 15px;
        margin: 0 auto 0 0;
        word-break: break-all;
      }
      .status {
        padding: 0.15rem 0.6rem;
        border-radius: 999px;
        background: var(--bot);
        font-weight: 600;
        font-size: 12px;
      }
      .status.paused,
      .status.handover {
        background: var(--agent);
        color: var(--warn);
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem;
        width: 100%;
      }
      .actions .trigger {
        margin-left: auto;
        display: flex;
        gap: 0.4rem;
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 1rem;
        overflow-y: auto;
        display: flex;
        flex-direction: column;
        gap: 0.5rem;
      }
      li {
        max-width: 75%;
        padding: 0.45rem 0.75rem;
        border-radius: 10px;
        background: var(--visitor);
        align-self: flex-start;
      }
      li.bot {
        background: var(--bot);
        align-self: flex-end;
      }
      li.agent {
        background: var(--agent);
        align-self: flex-end;
      }
      .who {
        display: block;
        font-size: 12px;
        color: var(--muted);
      }
      .text {
        white-space: pre-wrap;
        word-break: break-word;
      }
      .failed {
        color: var(--badge);
        font-size: 12px;
      }
      form {
        display: flex;
        gap: 0.5rem;
        padding: 0.75rem 1rem;
        border-top: 1px solid var(--line);
      }
      textarea {
        flex: 1;
        resize: vertical;
        min-height: 2.4rem;
      }
      .error {
        padding: 0 1rem;
      }
    `,
  ]

  declare client: OperatorChat | undefined
  declare threadId: string | undefined
  declare triggerEvents: readonly string[]
  declare busy: boolean
  declare actionError: string | undefined

  readonly #messages = new ObserveController<readonly ChatMessage[]>(
    this,
    () => this.#handle()?.messages$,
    [],
  )
  readonly #botStatus = new ObserveController<BotStatus>(this, () => this.#botStatus$(), {
    state: 'active',
  })

  constructor() {
    super()
    this.client = undefined
    this.threadId = undefined
    this.triggerEvents = []
    this.busy = false
    this.actionError = undefined
  }

  #handle() {
    return this.client && this.threadId ? this.client.thread(this.threadId) : undefined
  }

  /**
   * A thread's stream starts live, so a pause that happened before the panel opened is not in it: ask the relay
   * once for the current state, then follow the stream's changes.
   */
  #botStatus$(): Observable<BotStatus> | undefined {
    const client = this.client
    const threadId = this.threadId
    const handle = this.#handle()
    if (!client || !threadId || !handle) return undefined
    const current$ = defer(() => client.operator.status(threadId)).pipe(
      map((answer): BotStatus => (answer.isPaused ? { state: 'paused' } : { state: 'active' })),
      catchError(() => EMPTY),
    )
    return merge(current$, handle.botStatus$.pipe(skip(1)))
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client') || changed.has('threadId')) {
      this.actionError = undefined
      this.#messages.refresh()
      this.#botStatus.refresh()
    }
  }

  protected override updated(): void {
    // The operator is looking at this thread: what arrived is read, and the newest message stays in view.
    if (this.client && this.threadId) this.client.operator.markRead(this.threadId)
    const list = this.renderRoot.querySelector('ol')
    if (list) list.scrollTop = list.scrollHeight
  }

  async #run(action: (client: OperatorChat, threadId: string) => Promise<void>): Promise<void> {
    if (!this.client || !this.threadId) return
    this.busy = true
    this.actionError = undefined
    try {
      await action(this.client, this.threadId)
    } catch (error) {
      this.actionError = error instanceof Error ? error.message : String(error)
    } finally {
      this.busy = false
    }
  }

  #reply(event: SubmitEvent): void {
    event.preventDefault()
    const form = event.currentTarget as HTMLFormElement
    const field = form.elements.namedItem('reply') as HTMLTextAreaElement
    const text = field.value.trim()
    if (!text || !this.client || !this.threadId) return
    field.value = ''
    this.client
      .thread(this.threadId)
      .send({ type: 'text', text })
      .subscribe({
        error: (error: unknown) => {
          this.actionError = error instanceof Error ? error.message : String(error)
        },
      })
  }

  #replyKey(event: KeyboardEvent): void {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault()
      ;(event.currentTarget as HTMLTextAreaElement).form?.requestSubmit()
    }
  }

  #trigger(): void {
    const select = this.renderRoot.querySelector<HTMLSelectElement>('select[name="event"]')
    const eventName = select?.value
    if (eventName) void this.#run((client, id) => client.operator.trigger(id, eventName))
  }

  override render() {
    if (!this.threadId) {
      return html`<p class="muted" style="padding: 1rem">Pick a conversation on the left.</p>`
    }
    const status = this.#botStatus.value
    return html`
      <header>
        <h2 title=${this.threadId}>${this.threadId}</h2>
        <span class="status ${status.state}" role="status" aria-label="Bot status"
          >${botStatusLabel(status)}</span
        >
        <div class="actions">
          <!-- Pause is always offered: during a timed handover it makes the pause open-ended, and pausing twice is harmless. -->
          <button
            type="button"
            ?disabled=${this.busy}
            @click=${() => this.#run((c, id) => c.operator.pause(id))}
          >
            Pause bot
          </button>
          <button
            type="button"
            ?disabled=${this.busy || status.state === 'active'}
            @click=${() => this.#run((c, id) => c.operator.resume(id))}
          >
            Resume bot
          </button>
          <button
            type="button"
            ?disabled=${this.busy}
            @click=${() => this.#run((c, id) => c.operator.handover(id, HANDOVER_SECONDS))}
          >
            Hand over
          </button>
          <span class="trigger">
            <select name="event" aria-label="Event to trigger">
              ${this.triggerEvents.map((name) => html`<option value=${name}>${name}</option>`)}
            </select>
            <button
              type="button"
              ?disabled=${this.busy || this.triggerEvents.length === 0}
              @click=${this.#trigger}
            >
              Trigger event
            </button>
          </span>
        </div>
      </header>
      <ol aria-label="Transcript" aria-live="polite">
        ${this.#messages.value.map(
          (message) =>
            html`<li class=${message.sender}>
              <span class="who">${senderLabel(message)} · ${formatTime(message.createdAt)}</span>
              <span class="text">${previewText(message)}</span>
              ${
                message.state === 'failed'
                  ? html`<span class="failed"
                      >Not delivered${message.error ? `: ${message.error}` : ''}</span
                    >`
                  : nothing
              }
            </li>`,
        )}
      </ol>
      <div>
        ${this.actionError ? html`<p class="error" role="alert">${this.actionError}</p>` : nothing}
        ${this.#messages.error ? html`<p class="error" role="alert">${this.#messages.error}</p>` : nothing}
        <form @submit=${this.#reply}>
          <textarea
            name="reply"
            rows="1"
            maxlength="255"
            aria-label="Reply as agent"
            placeholder="Reply as a human agent (this pauses the bot)"
            @keydown=${this.#replyKey}
          ></textarea>
          <button class="primary" type="submit">Send</button>
        </form>
      </div>
    `
  }
}

customElements.define('console-thread-panel', ConsoleThreadPanel)

declare global {
  interface HTMLElementTagNameMap {
    'console-thread-panel': ConsoleThreadPanel
  }
}
