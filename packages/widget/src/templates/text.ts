import { html, nothing, type TemplateResult } from 'lit/html.js'
import { safeLinkUrl } from '../safe-url.js'

/** http(s) URLs and `www.` hosts in running text. Trailing punctuation is left out of the link. */
const URL_PATTERN = /\b(?:https?:\/\/|www\.)[^\s<>"']+/gi
const TRAILING = /[.,;:!?)\]}'"]+$/

/**
 * Text with its links made clickable. Every piece is a text node or an `<a>` whose href passed
 * {@link safeLinkUrl}: no HTML from the message is ever interpreted. Line breaks are kept by CSS
 * (`white-space: pre-wrap` on `.text`).
 *
 * @example
 * html`<p class="text">${linkify('See https://flow.ai.')}</p>`
 */
export function linkify(text: string): (string | TemplateResult)[] {
  const out: (string | TemplateResult)[] = []
  let last = 0
  for (const match of text.matchAll(URL_PATTERN)) {
    const raw = match[0].replace(TRAILING, '')
    const start = match.index
    const href = safeLinkUrl(raw.startsWith('www.') ? `https://${raw}` : raw)
    if (!href) continue
    if (start > last) out.push(text.slice(last, start))
    out.push(html`<a href=${href} target="_blank" rel="noopener noreferrer nofollow">${raw}</a>`)
    last = start + raw.length
  }
  if (last < text.length) out.push(text.slice(last))
  return out
}

/**
 * A text reply (its quick replies render above the composer, see `quick-replies.ts`). Text that is not a string
 * throws (in `linkify`), which `renderTemplate` (message.ts) shows as the message's fallback, as it does any payload
 * that does not fit its type: never "[object Object]".
 *
 * @example
 * renderText({ text: 'Hello\nworld' })
 */
export function renderText(payload: { text: string }): TemplateResult | typeof nothing {
  if (!payload.text) return nothing
  return html`<p class="text" dir="auto">${linkify(payload.text)}</p>`
}
