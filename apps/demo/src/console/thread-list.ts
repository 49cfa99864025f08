import { html, LitElement, css, nothing, type PropertyDeclarations } from 'lit'
import type { ThreadSummary } from '@flowchat/core'
import { consoleStyles } from './console-styles.js'
import { botStatusLabel, formatTime, previewText, senderLabel, shortThreadId } from './message-preview.js'

/** Fired when the operator opens a thread from the list. */
export class ThreadSelectEvent extends Event {
  static readonly eventName = 'thread-select'
  constructor(readonly threadId: string) {
    super(ThreadSelectEvent.eventName, { bubbles: true, composed: true })
  }
}

/**
 * The live list of threads: most recent first, each with its last message, unread count and bot state.
 *
 * @fires thread-select - a thread was clicked (`ThreadSelectEvent`)
 */
export class ConsoleThreadList extends LitElement {
  static override properties: PropertyDeclarations = {
    threads: { attribute: false },
    selected: { attribute: false },
  }
  static override styles = [
    consoleStyles,
    css`
      :host {
        display: block;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      button.thread {
        display: grid;
        grid-template-columns: 1fr auto;
        gap: 0.15rem 0.5rem;
        width: 100%;
        text-align: left;
        border: 0;
        border-bottom: 1px solid var(--line);
        border-radius: 0;
        padding: 0.7rem 1rem;
        background: transparent;
      }
      button.thread[aria-current='true'] {
        background: var(--selected);
      }
      .id {
        font-weight: 600;
        font-variant-numeric: tabular-nums;
      }
      .time {
        color: var(--muted);
        font-size: 12px;
      }
      .last {
        color: var(--muted);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .unread {
        justify-self: end;
        min-width: 1.4rem;
        padding: 0 0.4rem;
        border-radius: 999px;
        background: var(--badge);
        color: #fff;
        font-size: 12px;
        font-weight: 700;
        text-align: center;
      }
      .state {
        grid-column: 1 / -1;
        font-size: 12px;
        color: var(--warn);
      }
      .empty {
        padding: 1rem;
      }
    `,
  ]

  declare threads: readonly ThreadSummary[]
  declare selected: string | undefined

  constructor() {
    super()
    this.threads = []
    this.selected = undefined
  }

  override render() {
    if (this.threads.length === 0) {
      return html`<p class="empty muted">
        No conversations yet. Open the product page and say hello to the bot.
      </p>`
    }
    return html`<ul aria-label="Threads">
      ${this.threads.map((thread) => {
        const last = thread.lastMessage
        return html`<li>
          <button
            class="thread"
            type="button"
            aria-current=${thread.threadId === this.selected ? 'true' : 'false'}
            data-thread-id=${thread.threadId}
            title=${thread.threadId}
            @click=${() => this.dispatchEvent(new ThreadSelectEvent(thread.threadId))}
          >
            <span class="id">${shortThreadId(thread.threadId)}</span>
            <span class="time">${formatTime(thread.updatedAt)}</span>
            <span class="last"
              >${last ? `${senderLabel(last)}: ${previewText(last)}` : 'Open to read the conversation'}</span
            >
            ${
              thread.unread > 0
                ? html`<span class="unread" aria-label="${thread.unread} unread">${thread.unread}</span>`
                : html`<span></span>`
            }
            ${
              thread.botStatus.state === 'active'
                ? nothing
                : html`<span class="state">${botStatusLabel(thread.botStatus)}</span>`
            }
          </button>
        </li>`
      })}
    </ul>`
  }
}

customElements.define('console-thread-list', ConsoleThreadList)

declare global {
  interface HTMLElementTagNameMap {
    'console-thread-list': ConsoleThreadList
  }
  interface HTMLElementEventMap {
    'thread-select': ThreadSelectEvent
  }
}
