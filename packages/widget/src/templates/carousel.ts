import { html, type TemplateResult } from 'lit/html.js'
import type { CarouselTemplate } from '@flowchat/core/schemas'
import { format } from '../strings.js'
import { renderCard } from './card.js'
import type { TemplateContext } from './context.js'
import { textOf } from '../read-fields.js'

/** Scrolls the carousel track by one card; `dir` is -1 or 1 in reading order (so RTL works). */
function step(event: Event, dir: -1 | 1): void {
  const root = (event.currentTarget as HTMLElement).closest('.carousel')
  const track = root?.querySelector<HTMLElement>('.carousel-track')
  if (!track) return
  const rtl = getComputedStyle(track).direction === 'rtl'
  const reduce = matchMedia('(prefers-reduced-motion: reduce)').matches
  track.scrollBy({
    left: dir * (rtl ? -1 : 1) * track.clientWidth * 0.8,
    behavior: reduce ? 'auto' : 'smooth',
  })
}

/**
 * Cards side by side in a horizontally scrollable track. The track is focusable so arrow keys scroll it, each
 * card's buttons are in the tab order, and previous/next buttons help pointer users.
 *
 * @example
 * renderCarousel({ cards: [{ title: 'A' }, { title: 'B' }] }, ctx)
 */
export function renderCarousel(payload: CarouselTemplate, ctx: TemplateContext): TemplateResult {
  const cards = Array.isArray(payload.cards) ? payload.cards : []
  return html`<div class="carousel" part="carousel" role="group" aria-roledescription="carousel">
    <div class="carousel-track" tabindex="0" role="list" aria-label=${ctx.strings.carousel}>
      ${cards.map(
        (card, i) =>
          html`<div class="carousel-item" role="listitem">
            ${renderCard(
              card,
              ctx,
              `${textOf(card.title)} (${format(ctx.strings.cardOf, { index: i + 1, count: cards.length })})`,
            )}
          </div>`,
      )}
    </div>
    ${
      cards.length > 1
        ? html`<div class="carousel-nav">
            ${([-1, 1] as const).map(
              (dir) =>
                html`<button
                  type="button"
                  class="icon-button"
                  aria-label=${dir < 0 ? ctx.strings.previous : ctx.strings.next}
                  @click=${(e: Event) => step(e, dir)}
                >
                  ${dir < 0 ? '‹' : '›'}
                </button>`,
            )}
          </div>`
        : ''
    }
  </div>`
}
