import { html, nothing, type TemplateResult } from 'lit/html.js'
import type { ListTemplate } from '@flowchat/core/schemas'
import { renderButtonRow } from './buttons.js'
import { renderCardMedia } from './card.js'
import type { TemplateContext } from './context.js'

/**
 * A list of items (a `featured` one shown larger, with its media), then the list's own buttons.
 *
 * @example
 * renderList({ items: [{ title: 'One', featured: true }, { title: 'Two' }] }, ctx)
 */
export function renderList(payload: ListTemplate, ctx: TemplateContext): TemplateResult {
  const items = Array.isArray(payload.items) ? payload.items : []
  return html`<div class="list" part="list">
    <ul>
      ${items.map(
        (item) =>
          html`<li class=${item.featured === true ? 'list-item featured' : 'list-item'}>
            ${renderCardMedia(item.media, item.title ?? '')}
            <div class="card-body">
              ${item.title ? html`<h3 class="card-title" dir="auto">${item.title}</h3>` : nothing}
              ${item.subtitle ? html`<p class="card-subtitle" dir="auto">${item.subtitle}</p>` : nothing}
            </div>
            ${renderButtonRow(item.buttons, ctx)}
          </li>`,
      )}
    </ul>
    ${renderButtonRow(payload.buttons, ctx)}
  </div>`
}
