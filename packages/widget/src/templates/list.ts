import { html, type TemplateResult } from 'lit/html.js'
import type { ListTemplate } from '@flowchat/core/schemas'
import { renderButtonRow } from './buttons.js'
import { renderCardContent } from './card.js'
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
            ${renderCardContent(item, ctx)}
          </li>`,
      )}
    </ul>
    ${renderButtonRow(payload.buttons, ctx)}
  </div>`
}
