import { html, nothing, type TemplateResult } from 'lit/html.js'
import type { MediaTemplate } from '@flowchat/core/schemas'
import { safeLinkUrl, safeSourceUrl } from '../safe-url.js'
import type { TemplateContext } from './context.js'
import { textOf } from '../read-fields.js'

type MediaKind = 'image' | 'video' | 'audio' | 'file'

/**
 * An image's error listener: the image hides instead of showing the broken-image icon, and its parent is marked
 * `broken` (a figure then shows its caption, or says the image is unavailable).
 *
 * @example
 * html`<img src=${src} alt="" @error=${broken} />`
 */
export function broken(e: Event): void {
  const img = e.currentTarget as HTMLImageElement
  img.hidden = true
  img.parentElement?.classList.add('broken')
}

/**
 * An image, video or audio player, or a download link for a file. A URL that is not safe renders the title
 * (or the fallback text) instead of a broken element.
 *
 * @example
 * renderMedia('image', { url: 'https://example.com/a.png', title: 'A' }, ctx)
 */
export function renderMedia(kind: MediaKind, payload: MediaTemplate, ctx: TemplateContext): TemplateResult {
  const title = textOf(payload.title)
  if (kind === 'file') {
    const href = safeLinkUrl(payload.url)
    if (!href) return html`<p class="text" dir="auto">${title || ctx.strings.unsupported}</p>`
    return html`<a class="file" part="file" href=${href} target="_blank" rel="noopener noreferrer" download>
      <span aria-hidden="true">📄</span> <span dir="auto">${title || ctx.strings.download}</span>
    </a>`
  }
  const src = safeSourceUrl(payload.url)
  if (!src) return html`<p class="text" dir="auto">${title || ctx.strings.unsupported}</p>`
  const caption = title ? html`<figcaption dir="auto">${title}</figcaption>` : nothing
  if (kind === 'image') {
    // The caption names the image, so the alt text stays empty rather than say the title twice. An image that
    // does not load hides (no broken-image icon) and, without a caption, says so.
    return html`<figure class="media" part="media">
      <img src=${src} alt=${title ? '' : ctx.strings.image} loading="lazy" @error=${broken} />${
        title ? caption : html`<figcaption class="unavailable">${ctx.strings.imageUnavailable}</figcaption>`
      }
    </figure>`
  }
  if (kind === 'video') {
    const poster = safeSourceUrl(payload.thumbnailUrl)
    return html`<figure class="media" part="media">
      <video
        src=${src}
        poster=${poster ?? nothing}
        controls
        preload="metadata"
        aria-label=${title || nothing}
      ></video
      >${caption}
    </figure>`
  }
  return html`<figure class="media" part="media">
    <audio src=${src} controls preload="metadata" aria-label=${title || nothing}></audio>${caption}
  </figure>`
}
