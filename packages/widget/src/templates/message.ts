import { html, nothing, type TemplateResult } from 'lit/html.js'
import type { ChatMessage } from '../client-types.js'
import type { Template } from '@flowchat/core/schemas'
import { safeSourceUrl } from '../safe-url.js'
import { objectsOf, textOf } from '../read-fields.js'
import { renderButtons } from './buttons.js'
import { renderCard } from './card.js'
import { renderCarousel } from './carousel.js'
import type { TemplateContext } from './context.js'
import { renderList } from './list.js'
import { renderLocation } from './location.js'
import { renderMedia } from './media.js'
import { renderText } from './text.js'

/** What the message-level helper needs beyond the template context. */
export interface MessageContext extends TemplateContext {
  retry(messageId: string): void
  /** Formats a time for the message's timestamp. */
  time(epochMs: number): string
}

/**
 * One reply template. Anything the widget does not render natively (`other`, or a payload that did not fit its
 * type) shows the message's fallback text, or a generic line when there is none.
 *
 * @example
 * renderTemplate({ type: 'text', payload: { text: 'Hi' } }, 'fallback', ctx)
 */
export function renderTemplate(
  template: Template,
  fallback: string | undefined,
  ctx: TemplateContext,
): TemplateResult | typeof nothing {
  try {
    switch (template.type) {
      case 'text':
        return renderText(template.payload)
      case 'image':
      case 'video':
      case 'audio':
      case 'file':
        return renderMedia(template.type, template.payload, ctx)
      case 'location':
        return renderLocation(template.payload, ctx)
      case 'card':
        return renderCard(template.payload, ctx)
      case 'buttons':
        return renderButtons(template.payload, ctx)
      case 'carousel':
        return renderCarousel(template.payload, ctx)
      case 'list':
        return renderList(template.payload, ctx)
    }
  } catch {
    // A payload that slipped past the schema in a shape no helper expected: the fallback below, never a crash.
  }
  return html`<p class="text fallback" dir="auto">${textOf(fallback) || ctx.strings.unsupported}</p>`
}

function status(message: ChatMessage, ctx: MessageContext) {
  if (!message.own || !message.state) return nothing
  const s = ctx.strings
  const label = { pending: s.pending, sent: s.sent, delivered: s.delivered, failed: s.failed }[message.state]
  const progress =
    typeof message.progress === 'number' && message.state === 'pending'
      ? html`<progress
          part="progress"
          max="1"
          .value=${Math.min(1, Math.max(0, message.progress))}
          aria-label=${s.uploading}
        ></progress>`
      : nothing
  return html`${progress}
    <span class="status status-${message.state}" part="status">
      ${label}${
        message.state === 'failed' && textOf(message.error)
          ? html`<span class="visually-hidden">: ${message.error}</span>`
          : nothing
      }
      ${
        message.state === 'failed'
          ? html`<button type="button" class="link-button" part="retry" @click=${() => ctx.retry(message.id)}>
              ${s.retry}
            </button>`
          : nothing
      }
    </span>`
}

/**
 * A message's templates as the widget can read them: none when the list is not one, and no entry that is not an
 * object (a hostile or broken stream may send either).
 *
 * @example
 * templatesOf(message).findLast((t) => t.type === 'text')
 */
export const templatesOf = (message: ChatMessage): Template[] => objectsOf(message.templates)

/**
 * One message: who sent it (for agents), its templates in order, its time and, for own messages, the
 * delivery state with a retry action when it failed.
 *
 * @example
 * repeat(messages, (m) => m.id, (m) => renderMessage(m, ctx))
 */
export function renderMessage(message: ChatMessage, ctx: MessageContext): TemplateResult {
  const sender = message.own ? 'visitor' : message.sender === 'agent' ? 'agent' : 'bot'
  const name = message.own
    ? ctx.strings.you
    : textOf(message.senderName) || (sender === 'agent' ? ctx.strings.agent : ctx.strings.bot)
  const avatar = message.own ? undefined : safeSourceUrl(message.avatarUrl)
  return html`<div class="message ${sender}" part="message message-${sender}" data-id=${message.id}>
    ${avatar ? html`<img class="avatar" part="avatar" src=${avatar} alt="" />` : nothing}
    <div class="message-body">
      <span class=${sender === 'agent' ? 'sender' : 'visually-hidden'} dir="auto">${name}</span>
      ${templatesOf(message).map(
        (t) =>
          html`<div class="bubble bubble-${String(t.type)}" part="bubble">
            ${renderTemplate(t, message.fallback, ctx)}
          </div>`,
      )}
      <div class="meta">
        ${
          Number.isFinite(message.createdAt) && Math.abs(message.createdAt) < 8.64e15
            ? html`<time datetime=${new Date(message.createdAt).toISOString()}
                >${ctx.time(message.createdAt)}</time
              >`
            : nothing
        }
        ${status(message, ctx)}
      </div>
    </div>
  </div>`
}
