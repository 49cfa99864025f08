import type { ReactiveController, ReactiveControllerHost, TemplateResult } from 'lit'
import { KeyedList } from './keyed-list.js'

/** How many messages the window grows or moves by, and the most it keeps rendered. */
export const WINDOW_PAGE = 40
export const WINDOW_MAX = 160
/** How near an edge (px) still counts as being at it. */
const EDGE = 48

interface Host extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment
}

/**
 * The transcript's scrolling: renders a window of the message list (the newest {@link WINDOW_PAGE} while the
 * visitor follows the conversation, up to {@link WINDOW_MAX} as they scroll back), so an update costs the
 * same at 50 or 50,000 messages. It keeps the view on the newest message while the visitor follows, also when
 * images or cards grow after rendering (each message renders again only when it changed); keeps what they read in place when messages are added or dropped
 * above; and once they scroll up themselves, stops following and counts what arrives (`unseen`) until they
 * come back down or call {@link TranscriptController.follow}.
 *
 * @example
 * const transcript = new TranscriptController(this, () => this.#loadOlder())
 * transcript.show(messages, strings, (m) => renderMessage(m, ctx)) // in render
 * html`<div class="transcript" @scroll=${transcript.onScroll}><div class="messages"></div></div>`
 */
export class TranscriptController<T extends { readonly id: string }> implements ReactiveController {
  /** New messages that arrived while the visitor was reading further up. */
  unseen = 0
  /** The id of the last rendered message when the window does not end at the newest one. */
  #end: string | undefined
  #count = WINDOW_PAGE
  #following = true
  /** The scroll position last seen or set. */
  #top = 0
  #list: readonly T[] = []
  #start = 0
  #stop = 0
  /** The first message in view before an update, and how far below the top it was. */
  #anchor: { el: HTMLElement; offset: number } | undefined
  #items: readonly T[] = []
  #key: unknown
  #view: (item: T) => TemplateResult = () => {
    throw new Error('show() was not called')
  }
  readonly #rows = new KeyedList<T>()
  #resize: ResizeObserver | undefined
  #observed: Element | undefined

  readonly #host: Host
  readonly #loadOlder: () => void

  constructor(host: Host, loadOlder: () => void) {
    this.#host = host
    this.#loadOlder = loadOlder
    host.addController(this)
  }

  /**
   * Which messages to show, rendered by `view` into the transcript's `.messages` after the host renders;
   * `key` changing (the strings in use) renders every shown message again. Called from `render`.
   */
  show(list: readonly T[], key: unknown, view: (item: T) => TemplateResult): void {
    this.#key = key
    this.#view = view
    this.#list = list
    let stop = list.length
    if (this.#end !== undefined) {
      // Searching from the newest end: a visitor reading back is near it far more often than not.
      const at = list.findLastIndex((m) => m?.id === this.#end)
      if (at < 0) this.#end = undefined
      else stop = at + 1
    }
    const start = Math.max(0, stop - this.#count)
    this.#start = start
    this.#stop = stop
    this.#items = list.slice(start, stop)
  }

  /** Back to the newest message (the visitor sent something, or asked for the new messages). */
  follow(): void {
    this.#end = undefined
    this.#count = WINDOW_PAGE
    this.#following = true
    this.unseen = 0
    this.#host.requestUpdate()
  }

  /** Tells the controller that `count` messages from others arrived. */
  arrived(count: number): void {
    if (!this.#following && count > 0) {
      this.unseen += count
      // New messages render below, out of view: the window grows rather than drop messages above the
      // visitor (past its maximum it does, and the anchoring keeps what they read in place).
      if (this.#end === undefined) this.#count = Math.min(WINDOW_MAX, this.#count + count)
      this.#host.requestUpdate()
    }
  }

  hostConnected(): void {
    this.#resize ??= new ResizeObserver(() => this.#scroll())
  }

  hostDisconnected(): void {
    this.#resize?.disconnect()
    this.#observed = undefined
  }

  hostUpdate(): void {
    const scroller = this.#scroller
    this.#anchor = undefined
    if (!scroller || this.#following) return
    // The first message still in view, and where it is: after the render it goes back there.
    const top = scroller.scrollTop
    for (const el of scroller.querySelectorAll<HTMLElement>('[data-id]')) {
      if (el.offsetTop + el.offsetHeight > top) {
        this.#anchor = { el, offset: el.offsetTop - top }
        return
      }
    }
  }

  hostUpdated(): void {
    const scroller = this.#scroller
    if (!scroller) return
    const content = scroller.querySelector('.messages') ?? undefined
    if (content) this.#rows.sync(content, this.#items, this.#key, this.#view)
    if (content !== this.#observed) {
      this.#resize?.disconnect()
      if (content) this.#resize?.observe(content)
      this.#resize?.observe(scroller)
      this.#observed = content
    }
    if (this.#following) return this.#scroll()
    // Lit updates a message's element in place, and the window moves rows rather than render them again: the
    // element is still the message's unless it left the window.
    const anchor = this.#anchor
    if (anchor?.el.isConnected) this.#scroll(anchor.el.offsetTop - anchor.offset)
  }

  /** The transcript's scroll listener: moves the window and loads older history at the top. */
  onScroll = (e: Event): void => {
    const scroller = e.currentTarget as HTMLElement
    const { scrollTop, scrollHeight, clientHeight } = scroller
    // Only the visitor moves the view up. Content that grows in a following view (an image or a video's metadata
    // loading in the same frame as the jump to the bottom) leaves it short of the bottom, moving down or not at
    // all: that is not the visitor leaving, nor reaching the top of a short transcript.
    const up = scrollTop < this.#top
    this.#top = scrollTop
    const atBottom = scrollHeight - scrollTop - clientHeight < EDGE
    if (atBottom && this.#end !== undefined) {
      // Reading back down through a window that ends before the newest: move it down a page.
      const next = this.#stop - 1 + WINDOW_PAGE
      this.#end = next >= this.#list.length - 1 ? undefined : this.#list[next]?.id
      this.#count = Math.min(WINDOW_MAX, this.#count + WINDOW_PAGE)
      this.#following = false
      this.#host.requestUpdate()
      return
    }
    if (atBottom && !this.#following) this.follow()
    if (!up) return
    // Moving up leaves the newest message, unless it stays in view; at the top (a short transcript is at both
    // ends at once) it always does.
    this.#following &&= atBottom && scrollTop >= EDGE
    if (scrollTop >= EDGE) return
    if (this.#start === 0) {
      // At the top of everything loaded: ask for older history, with room in the window for a page of it.
      this.#count = Math.min(WINDOW_MAX, this.#stop + WINDOW_PAGE)
      this.#loadOlder()
      return
    }
    this.#count += WINDOW_PAGE
    if (this.#count > WINDOW_MAX) {
      // Grown past the most it keeps: drop the newest end instead.
      this.#end = this.#list[this.#stop - 1 - (this.#count - WINDOW_MAX)]?.id
      this.#count = WINDOW_MAX
    }
    this.#host.requestUpdate()
  }

  /**
   * Moves the view to `top`, or without it to the newest message if the visitor follows, and remembers where it
   * ended (the browser stops at the bottom).
   */
  #scroll(top?: number): void {
    const scroller = this.#scroller
    if (!scroller || (top === undefined && !this.#following)) return
    scroller.scrollTop = top ?? scroller.scrollHeight
    this.#top = scroller.scrollTop
  }

  get #scroller(): HTMLElement | null {
    return this.#host.renderRoot.querySelector<HTMLElement>('.transcript')
  }
}
