import { html, nothing, type TemplateResult } from 'lit/html.js'
import type { CardTemplate } from '@flowchat/core/schemas'
import { safeSourceUrl } from '../safe-url.js'
import { renderButtonRow } from './buttons.js'
import type { TemplateContext } from './context.js'
import { broken } from './media.js'
import { textOf } from '../read-fields.js'

/**
 * What a card and a list item both show: media (when its URL is safe to load), title, subtitle and buttons.
 *
 * @example
 * renderCardContent({ title: 'Shoes', media: { url: 'https://example.com/a.png', type: 'image' } }, ctx)
 */
export function renderCardContent(item: CardTemplate, ctx: TemplateContext) {
  const src = safeSourceUrl(item.media?.url)
  return html`${
      !src
        ? nothing
        : item.media?.type === 'video'
          ? html`<video class="card-media" src=${src} controls preload="metadata"></video>`
          : // The title below names the card: an alt text would say it twice.
            html`<img class="card-media" src=${src} alt="" loading="lazy" @error=${broken} />`
    }
    <div class="card-body">
      ${textOf(item.title) ? html`<h3 class="card-title" dir="auto">${item.title}</h3>` : nothing}
      ${textOf(item.subtitle) ? html`<p class="card-subtitle" dir="auto">${item.subtitle}</p>` : nothing}
    </div>
    ${renderButtonRow(item.buttons, ctx)}`
}

/**
 * A card: media, title, subtitle and buttons. `part` lets a carousel mark its cards.
 *
 * @example
 * renderCard({ title: 'Shoes', subtitle: '€ 50', buttons: [] }, ctx)
 */
export function renderCard(payload: CardTemplate, ctx: TemplateContext, label?: string): TemplateResult {
  return html`<article class="card" part="card" aria-label=${label ?? (textOf(payload.title) || nothing)}>
    ${renderCardContent(payload, ctx)}
  </article>`
}
