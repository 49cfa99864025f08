import { html, nothing, type TemplateResult } from 'lit/html.js'
import type { QuickReply } from '@flowchat/core/schemas'
import type { TemplateContext } from './context.js'
import { objectsOf, textOf } from '../read-fields.js'

/**
 * The quick replies of the last bot message, as chips above the composer. `location` shares the visitor's
 * position, `event` triggers the event, every other type sends the value (the label when none) as text.
 *
 * @example
 * renderQuickReplies([{ label: 'Yes', value: 'yes', type: 'text' }], ctx)
 */
export function renderQuickReplies(
  replies: readonly QuickReply[] | undefined,
  ctx: TemplateContext,
): TemplateResult | typeof nothing {
  // An entry that is not an object has no chip.
  const list = objectsOf<QuickReply>(replies)
  if (list.length === 0) return nothing
  const act = (q: QuickReply) => {
    const label = textOf(q.label)
    const value = textOf(q.value) || label
    if (q.type === 'location') ctx.shareLocation()
    else if (q.type === 'event') ctx.sendEvent(value, label)
    else ctx.sendText(value)
  }
  return html`<div
    class="quick-replies"
    part="quick-replies"
    role="group"
    aria-label=${ctx.strings.suggestions}
  >
    ${list.map(
      (q) =>
        html`<button class="chip" part="quick-reply" type="button" @click=${() => act(q)}>
          ${textOf(q.label)}
        </button>`,
    )}
  </div>`
}
