import { html, nothing, type TemplateResult } from 'lit/html.js'
import type { CardTemplate } from '@flowchat/core/schemas'
import { safeSourceUrl } from '../safe-url.js'
import { renderButtonRow } from './buttons.js'
import type { TemplateContext } from './context.js'

/**
 * The card's picture (or video), when its URL is safe to load.
 *
 * @example
 * renderCardMedia({ url: 'https://example.com/a.png', type: 'image' }, 'A')
 */
export function renderCardMedia(media: CardTemplate['media'], alt: string) {
  const src = safeSourceUrl(media?.url)
  if (!src) return nothing
  if (media?.type === 'video')
    return html`<video class="card-media" src=${src} controls preload="metadata"></video>`
  return html`<img class="card-media" src=${src} alt=${alt} loading="lazy" />`
}

/**
 * A card: media, title, subtitle and buttons. `part` lets a carousel mark its cards.
 *
 * @example
 * renderCard({ title: 'Shoes', subtitle: '€ 50', buttons: [] }, ctx)
 */
export function renderCard(payload: CardTemplate, ctx: TemplateContext, label?: string): TemplateResult {
  return html`<article class="card" part="card" aria-label=${label ?? payload.title ?? nothing}>
    ${renderCardMedia(payload.media, payload.title ?? '')}
    <div class="card-body">
      ${payload.title ? html`<h3 class="card-title" dir="auto">${payload.title}</h3>` : nothing}
      ${payload.subtitle ? html`<p class="card-subtitle" dir="auto">${payload.subtitle}</p>` : nothing}
    </div>
    ${renderButtonRow(payload.buttons, ctx)}
  </article>`
}
