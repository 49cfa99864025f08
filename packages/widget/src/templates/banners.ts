import { html, nothing, type TemplateResult } from 'lit/html.js'
import type { SessionController } from '../session-controller.js'
import { format, type FlowChatStrings } from '../strings.js'
import { textOf } from '../read-fields.js'

/** What the banners show: the session's connection, queue, bot status, opening hours and error. */
export type BannerState = Pick<SessionController, 'connection' | 'queued' | 'botStatus' | 'opening' | 'error'>

/** One banner: `kind` names its class and part (`banner-offline`), `role` how urgently it is read out. */
function banner(kind: string, text: string, role: 'status' | 'alert' = 'status'): TemplateResult {
  return html`<div class="banner banner-${kind}" part="banner banner-${kind}" role=${role}>${text}</div>`
}

/**
 * Notices above the transcript: the connection (reconnecting, offline with the queued count, failed), a human
 * agent or a paused bot, closing hours with the next opening time, and a session that could not start.
 *
 * @example
 * renderBanners(session, strings, 'en', (date) => date.toLocaleString())
 */
export function renderBanners(
  state: BannerState,
  s: FlowChatStrings,
  locale: string,
  when: (date: Date) => string,
): TemplateResult {
  const c = state.connection.value
  const queued = state.queued.value
  let connection: TemplateResult | typeof nothing = nothing
  if (c?.state === 'reconnecting') connection = banner('reconnecting', s.reconnecting)
  else if (c?.state === 'offline') {
    connection = banner(
      'offline',
      queued > 0 ? format(s.offlineQueued, { count: queued }, locale) : s.offline,
    )
  } else if (c?.state === 'failed') {
    connection = banner('failed', format(s.connectionFailed, { reason: textOf(c.reason) }), 'alert')
  }
  const bot =
    state.botStatus.value?.state === 'handover'
      ? banner('agent', s.agentJoined)
      : state.botStatus.value?.state === 'paused'
        ? banner('paused', s.botPaused)
        : nothing
  const o = state.opening.state
  // Not `!o.open`: an older relay answers no `open` (unknown), which shows no banner. A next opening that is not a
  // time (`when` gives `''`) is no time to name.
  const time = o.open === false && o.nextChangeAt && when(new Date(o.nextChangeAt))
  const hours =
    o.open === false ? banner('closed', time ? format(s.closedUntil, { time }) : s.closedNow) : nothing
  const error = state.error
    ? banner('failed', format(s.connectionFailed, { reason: state.error }), 'alert')
    : nothing
  return html`${connection}${bot}${hours}${error}`
}
