import { html, nothing, type TemplateResult } from 'lit/html.js'
import type { Button, ButtonsTemplate } from '@flowchat/core/schemas'
import { safeLinkUrl, telUrl } from '../safe-url.js'
import type { TemplateContext } from './context.js'
import { objectsOf, textOf } from '../read-fields.js'

/**
 * One reply button. `url` and `webview` open a safe link in a new tab, `phone` a `tel:` link, `event` triggers
 * the event, `postback`/`flow`/`step` send their value as text; any other type, or a link that is not safe,
 * shows its label on a disabled button rather than nothing.
 *
 * @example
 * renderButton({ type: 'url', label: 'Docs', value: 'https://flow.ai' }, ctx)
 */
export function renderButton(button: Button, ctx: TemplateContext): TemplateResult {
  const label = textOf(button.label)
  const value = typeof button.value === 'string' ? button.value : label
  switch (button.type) {
    case 'url':
    case 'webview':
    case 'login': {
      const href = safeLinkUrl(value)
      if (href) {
        return html`<a class="button" part="button" href=${href} target="_blank" rel="noopener noreferrer"
          >${label}</a
        >`
      }
      break
    }
    case 'phone': {
      const href = telUrl(value)
      if (href) return html`<a class="button" part="button" href=${href}>${label}</a>`
      break
    }
    case 'event':
      return html`<button
        class="button"
        part="button"
        type="button"
        @click=${() => ctx.sendEvent(value, label)}
      >
        ${label}
      </button>`
    case 'postback':
    case 'flow':
    case 'step':
      return html`<button class="button" part="button" type="button" @click=${() => ctx.sendText(value)}>
        ${label}
      </button>`
  }
  return html`<button class="button" part="button" type="button" disabled>${label}</button>`
}

/**
 * A row of buttons (entries that are not objects left out), or nothing for none.
 *
 * @example
 * renderButtonRow(card.buttons, ctx)
 */
export function renderButtonRow(buttons: readonly Button[] | undefined, ctx: TemplateContext) {
  const list = objectsOf<Button>(buttons)
  if (list.length === 0) return nothing
  return html`<div class="buttons">${list.map((b) => renderButton(b, ctx))}</div>`
}

/**
 * The `buttons` template: a title and its buttons.
 *
 * @example
 * renderButtons({ title: 'Pick one', buttons: [{ type: 'postback', label: 'A', value: 'a' }] }, ctx)
 */
export function renderButtons(payload: ButtonsTemplate, ctx: TemplateContext): TemplateResult {
  return html`<div class="buttons-template">
    ${textOf(payload.title) ? html`<p class="text" dir="auto">${payload.title}</p>` : nothing}
    ${renderButtonRow(payload.buttons, ctx)}
  </div>`
}
