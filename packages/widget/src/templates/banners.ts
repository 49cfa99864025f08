import { html, nothing, type TemplateResult } from 'lit/html.js'
import type { BotStatus, Connection } from '../client-types.js'
import type { OpeningState } from '../opening-hours-controller.js'
import { format, type FlowChatStrings } from '../strings.js'

/** What the banners show. */
export interface BannerState {
  connection: Connection
  queued: number
  botStatus: BotStatus
  opening: OpeningState
  /** Formats the next opening time. */
  when(date: Date): string
  /** The locale, for plural forms. */
  locale: string
}

/**
 * One banner: `kind` names its class and part (`banner-offline`), `role` how urgently it is read out.
 *
 * @example
 * banner('failed', 'Cannot connect to the chat: offline', 'alert')
 */
export function banner(kind: string, text: string, role: 'status' | 'alert' = 'status'): TemplateResult {
  return html`<div class="banner banner-${kind}" part="banner banner-${kind}" role=${role}>${text}</div>`
}

/**
 * Notices above the transcript: the connection (reconnecting, offline with the queued count, failed), a human
 * agent or a paused bot, and closing hours with the next opening time.
 *
 * @example
 * renderBanners({ connection: { state: 'offline' }, queued: 2, botStatus: { state: 'active' }, opening: { open: true }, when: String, locale: 'en' }, strings)
 */
export function renderBanners(state: BannerState, s: FlowChatStrings): TemplateResult {
  const c = state.connection
  let connection: TemplateResult | typeof nothing = nothing
  if (c?.state === 'reconnecting') connection = banner('reconnecting', s.reconnecting)
  else if (c?.state === 'offline') {
    connection = banner(
      'offline',
      state.queued > 0 ? format(s.offlineQueued, { count: state.queued }, state.locale) : s.offline,
    )
  } else if (c?.state === 'failed') {
    connection = banner('failed', format(s.connectionFailed, { reason: String(c.reason ?? '') }), 'alert')
  }
  const bot =
    state.botStatus?.state === 'handover'
      ? banner('agent', s.agentJoined)
      : state.botStatus?.state === 'paused'
        ? banner('paused', s.botPaused)
        : nothing
  const o = state.opening
  // Not `!o.open`: an older relay answers no `open` (unknown), which shows no banner.
  const hours =
    o.open === false
      ? banner(
          'closed',
          o.nextChangeAt
            ? format(s.closedUntil, { time: state.when(new Date(o.nextChangeAt)) })
            : s.closedNow,
        )
      : nothing
  return html`${connection}${bot}${hours}`
}
