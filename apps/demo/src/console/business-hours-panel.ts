import { html, LitElement, css, nothing, type PropertyDeclarations } from 'lit'
import type { BusinessHours } from '@flowchat/core'
import { consoleStyles } from './console-styles.js'

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' })

/** Holidays come as ISO dates at UTC midnight: show the calendar day, not a timestamp. */
function formatDay(date: string): string {
  const parsed = new Date(date)
  return Number.isNaN(parsed.getTime()) ? date : dateFormat.format(parsed)
}

/** The project's business hours as Flow.ai reports them: each schedule's days, times, time zone and holidays. */
export class ConsoleBusinessHours extends LitElement {
  static override properties: PropertyDeclarations = {
    schedules: { attribute: false },
    error: { attribute: false },
  }
  static override styles = [
    consoleStyles,
    css`
      :host {
        display: block;
        padding: 0.75rem 1rem;
        border-top: 1px solid var(--line);
      }
      h2 {
        font-size: 13px;
        margin: 0 0 0.4rem;
        text-transform: uppercase;
        letter-spacing: 0.05em;
        color: var(--muted);
      }
      h3 {
        font-size: 13px;
        margin: 0.4rem 0 0.2rem;
      }
      table {
        border-collapse: collapse;
        font-size: 12px;
      }
      th {
        text-align: left;
        font-weight: 500;
        padding-right: 0.75rem;
        text-transform: capitalize;
      }
      td {
        font-variant-numeric: tabular-nums;
      }
    `,
  ]

  declare schedules: readonly BusinessHours[] | undefined
  declare error: string | undefined

  constructor() {
    super()
    this.schedules = undefined
    this.error = undefined
  }

  override render() {
    const body = this.error
      ? html`<p class="error">${this.error}</p>`
      : this.schedules === undefined
        ? html`<p class="muted">Loading…</p>`
        : this.schedules.length === 0
          ? html`<p class="muted">None set: always open.</p>`
          : this.schedules.map(
              (schedule) =>
                html`<section>
                  <h3>
                    ${schedule.label ?? 'Schedule'}${schedule.timezone ? html` <span class="muted">${schedule.timezone}</span>` : nothing}
                  </h3>
                  <table>
                    ${schedule.weekdays.map(
                      (day) =>
                        html`<tr>
                          <th scope="row">${day.weekday}</th>
                          <td>
                            ${day.content.length ? day.content.map((range) => `${range.from}–${range.to}`).join(', ') : 'closed'}
                          </td>
                        </tr>`,
                    )}
                  </table>
                  ${
                    schedule.holidays.length
                      ? html`<p class="muted">
                          Closed on
                          ${schedule.holidays.map((h) => (h.holiday ? `${h.holiday} (${formatDay(h.date)})` : formatDay(h.date))).join(', ')}
                        </p>`
                      : nothing
                  }
                </section>`,
            )
    return html`<h2>Business hours</h2>
      ${body}`
  }
}

customElements.define('console-business-hours', ConsoleBusinessHours)

declare global {
  interface HTMLElementTagNameMap {
    'console-business-hours': ConsoleBusinessHours
  }
}
