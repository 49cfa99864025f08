import { html, type TemplateResult } from 'lit/html.js'
import type { LocationTemplate } from '@flowchat/core/schemas'
import { mapUrl } from '../safe-url.js'
import type { TemplateContext } from './context.js'
import { textOf } from '../read-fields.js'

/**
 * A location as a link to OpenStreetMap, labelled with its title (or the coordinates).
 *
 * @example
 * renderLocation({ title: 'Office', lat: '52.37', long: '4.90' }, ctx)
 */
export function renderLocation(payload: LocationTemplate, ctx: TemplateContext): TemplateResult {
  const href = mapUrl(payload.lat, payload.long)
  const label = textOf(payload.title) || `${String(payload.lat)}, ${String(payload.long)}`
  if (!href) return html`<p class="text" dir="auto">📍 ${label}</p>`
  return html`<a class="location" part="location" href=${href} target="_blank" rel="noopener noreferrer">
    <span aria-hidden="true">📍</span> <span dir="auto">${label}</span>
    <span class="visually-hidden">(${ctx.strings.openMap})</span>
  </a>`
}
