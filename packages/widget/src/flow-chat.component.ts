import { html, nothing } from 'lit/html.js'
import { FlowElement, type PropertyOptions, type PropertyValues } from './flow-element.js'
// The order of these imports is the order of the modules in the single file, which gzip reads with a 32 KB
// window: measured, not alphabetical. Session second, as `@flowchat/core` (which it brings) was: core placed after
// the controllers costs about 250 bytes gzip. The styles right after the templates whose class names they
// repeat (-60 B); the other moves from the earlier order (file drop, open state, events, unread) save 44 B more,
// and the date format last 7 B.
import { SESSION_KEYS, SessionController } from './session-controller.js'
import type { ChatMessage, FlowChat, SendInput } from './client-types.js'
import type { Profile } from '@flowchat/core/schemas'
import { HiddenTabController } from './hidden-tab-controller.js'
import { LocationController } from './location-controller.js'
import { rememberOpen, wasOpen } from './open-state.js'
import { FileDropController } from './file-drop-controller.js'
import { directionOf, format, stringsFor, type FlowChatStrings } from './strings.js'
import {
  FlowChatClosedEvent,
  FlowChatConnectionChangedEvent,
  FlowChatMessageReceivedEvent,
  FlowChatMessageSentEvent,
  FlowChatOpenedEvent,
  type SentDetail,
} from './events.js'
import { TranscriptController } from './transcript-controller.js'
import { renderBanners } from './templates/banners.js'
import { MAX_LENGTH, renderComposer } from './templates/composer.js'
import type { MessageContext } from './templates/message.js'
import { renderMessage, templatesOf } from './templates/message.js'
import { renderQuickReplies } from './templates/quick-replies.js'
import { styles } from './flow-chat.styles.js'
import { UnreadController } from './unread-controller.js'
import { formatDate } from './date-format.js'
import { textOf } from './read-fields.js'

/**
 * `<flow-chat>`: a chat with a Flow.ai bot (and human agents) through a flowchat relay.
 *
 * @fires {FlowChatOpenedEvent} flow-chat-opened - the window opened (launcher mode)
 * @fires {FlowChatClosedEvent} flow-chat-closed - the window closed (launcher mode)
 * @fires {FlowChatMessageSentEvent} flow-chat-message-sent - the visitor sent something
 * @fires {FlowChatMessageReceivedEvent} flow-chat-message-received - a new bot or agent message arrived
 *
 * @fires {FlowChatUnreadChangedEvent} flow-chat-unread-changed - the unread count on the launcher changed
 * @fires {FlowChatConnectionChangedEvent} flow-chat-connection-changed - the relay connection changed state
 *
 * @slot header - replaces the heading in the header
 * @slot empty - shown while the conversation has no messages
 *
 * @csspart launcher - the round button that opens the window (launcher mode)
 * @csspart badge - the unread count on the launcher
 * @csspart panel - the chat window
 * @csspart header - the window's header
 * @csspart transcript - the scrolling message list (a polite live region)
 * @csspart message - one message; also `message-visitor`, `message-bot`, `message-agent`
 * @csspart bubble - one reply template inside a message
 * @csspart button - a reply button; @csspart quick-reply - a quick reply chip
 * @csspart card - a card (alone, in a carousel); @csspart carousel, list, media, file, location
 * @csspart status - an own message's delivery state; @csspart retry - its retry button
 * @csspart banner - every banner; also `banner-reconnecting`, `banner-offline`, `banner-failed`, `banner-agent`, `banner-paused`, `banner-closed`
 * @csspart typing - the waiting-for-reply indicator
 * @csspart new-messages - the button that brings new messages into view after the visitor scrolled up
 * @csspart quick-replies - the bar of quick reply chips
 * @csspart composer - the form at the bottom; @csspart input, send, attach, location, counter, progress
 *
 * @cssprop --flow-chat-accent - brand colour (launcher, own bubbles, buttons)
 * @cssprop --flow-chat-accent-text - text on the accent colour
 * @cssprop --flow-chat-background - window background
 * @cssprop --flow-chat-text - main text colour
 * @cssprop --flow-chat-muted - secondary text (times, states)
 * @cssprop --flow-chat-bubble - background of bot and agent bubbles
 * @cssprop --flow-chat-border - borders and separators
 * @cssprop --flow-chat-focus - focus ring colour
 * @cssprop --flow-chat-font - font family
 * @cssprop --flow-chat-font-size - base font size
 * @cssprop --flow-chat-radius - corner radius of the window and bubbles
 * @cssprop --flow-chat-width - window width (launcher mode)
 * @cssprop --flow-chat-height - window height
 * @cssprop --flow-chat-launcher-size - launcher diameter
 * @cssprop --flow-chat-z-index - stacking order of the launcher and window
 * @cssprop --flow-chat-offset-side - distance of the launcher from the side (also the `offset` property)
 * @cssprop --flow-chat-offset-bottom - distance of the launcher from the bottom
 */
export class FlowChatElement extends FlowElement {
  static override styles = styles

  // A property is a string attribute unless it says otherwise (`FlowElement`'s default, as Lit's).
  static override properties: Readonly<Record<string, PropertyOptions>> = {
    relay: {},
    threadId: { attribute: 'thread-id' },
    token: {},
    mode: { reflect: true },
    heading: {},
    position: { reflect: true },
    offset: {},
    placeholder: {},
    locale: {},
    visitorName: { attribute: 'visitor-name' },
    profile: { attribute: false },
    visitor: { attribute: false },
    opened: { type: Boolean, reflect: true, attribute: 'open' },
    sound: { type: Boolean },
    notify: { type: Boolean },
    strings: { attribute: false },
    chat: { attribute: false },
    _draft: { state: true },
    _notice: { state: true },
    _loadingOlder: { state: true },
  }

  /** Base URL of the relay, e.g. `https://relay.example.com`. */
  declare relay: string | undefined
  /** An existing thread; with `token`, used instead of an anonymous session. */
  declare threadId: string | undefined
  /** The relay token of `threadId`. */
  declare token: string | undefined
  /** `launcher` (a button in the corner that opens a window; default) or `inline` (fills its box). */
  declare mode: 'launcher' | 'inline'
  /**
   * The header text (the locale's "Chat" when empty). A `title` attribute is read when there is no heading, for
   * pages written before `heading` existed; `title` itself stays the global attribute.
   */
  declare heading: string
  /** Where the launcher sits: `bottom-right` (default; the inline end in right-to-left pages) or `bottom-left`. */
  declare position: 'bottom-right' | 'bottom-left'
  /** How far from the window's corner the launcher sits: a CSS length, or two (`20px 80px`: side, bottom). */
  declare offset: string | undefined
  /** The composer's placeholder. */
  declare placeholder: string | undefined
  /** `en` (default) or `nl`; any BCP 47 tag, matched by language. Defaults to the page's `lang`. */
  declare locale: string | undefined
  /** The visitor's name as the bot and agents see it (the attribute form of `visitor.name`). */
  declare visitorName: string | undefined
  /** The visitor's profile (property only; `visitor.profile` takes precedence). */
  declare profile: Profile | undefined
  /**
   * Who the visitor is, as the bot and agents see them: a name and the profile fields the relay accepts
   * (property only; set it before the chat connects, e.g. after your site's login, as a change starts a new client).
   *
   * @example
   * chat.visitor = { name: 'Ada', profile: { email: 'ada@example.com' } }
   */
  declare visitor: { name?: string; profile?: Profile } | undefined
  /** Whether the window is open (launcher mode); the `open` attribute. See also `open()` and `close()`. */
  declare opened: boolean
  /** Chime when a message arrives while the window is closed or the page hidden. */
  declare sound: boolean
  /**
   * The visitor opted in to hear about replies while the tab is hidden: a count in front of the page title,
   * and a browser notification once they allow it (asked when they next send something).
   */
  declare notify: boolean
  /** Your own texts on top of the locale's (property only), e.g. `{ title: 'Help', send: 'Go' }`. */
  declare strings: Partial<FlowChatStrings> | undefined
  /** A ready client, instead of one made from `relay` (property only; tests and apps with their own client). */
  declare chat: FlowChat | undefined

  declare private _draft: string
  declare private _notice: string
  declare private _loadingOlder: boolean

  #session = new SessionController(this, (next, previous) => this.#arrived(previous, next))
  #hidden = new HiddenTabController(this)
  #transcript = new TranscriptController<ChatMessage>(this, () => void this.#loadOlder())
  #drop = new FileDropController(this, (files) => this.#upload(files))
  #unread = new UnreadController(this)
  #location = new LocationController(this, {
    onPosition: (lat, long) => this.#send({ type: 'location', lat, long }),
    onNotice: (notice) => {
      const s = this.#text
      this._notice =
        notice === 'denied' ? s.locationDenied : notice === 'unavailable' ? s.locationUnavailable : ''
    },
  })
  #seen = new Set<string>()
  /** What the page sent before the thread was open, sent once it is. */
  #early: [SendInput, SentDetail?][] = []
  #strings: { locale: string; base: FlowChatStrings; overrides: unknown; value: FlowChatStrings } | undefined
  #announcement = ''
  #connectionState = 'idle'

  constructor() {
    super()
    this.mode = 'launcher'
    this.heading = ''
    this.position = 'bottom-right'
    this.opened = false
    this.sound = false
    this.notify = false
    this._draft = ''
    this._notice = ''
    this._loadingOlder = false
  }

  /**
   * Opens the chat window (launcher mode).
   *
   * @example
   * document.querySelector('flow-chat').open()
   */
  open(): void {
    this.opened = true
  }

  /**
   * Closes the chat window (launcher mode).
   *
   * @example
   * chat.close()
   */
  close(): void {
    this.opened = false
  }

  /**
   * Opens the window when closed, closes it when open.
   *
   * @example
   * helpButton.addEventListener('click', () => chat.toggle())
   */
  toggle(): void {
    this.opened = !this.opened
  }

  /**
   * Sends a text message as the visitor, as if typed in the composer. Empty text (once trimmed) sends nothing, as
   * the composer does; over 255 characters is a `RangeError` that says so, rather than a message cut short. Text
   * sent before the chat connected goes once it has (unless `reset()` came first).
   *
   * @example
   * chat.open(); chat.send('I have a question about my order')
   */
  send(text: string): void {
    if (typeof text != 'string') throw new TypeError('send(text): text must be a string')
    const value = text.trim()
    if (value.length > MAX_LENGTH) throw new RangeError(`send(text): at most ${MAX_LENGTH} characters`)
    this.#sendText(value)
  }

  /**
   * Ends the visitor's chat, for a site's logout: the stored session and the outbox are forgotten (sends still
   * queued are dropped), the window closes and the transcript empties. A chat the element made itself starts
   * again with a new anonymous session; a `chat` the page passed is reset, and the page gives a new one.
   *
   * @example
   * logoutButton.addEventListener('click', () => document.querySelector('flow-chat')?.reset())
   */
  reset(): void {
    this.#early = []
    this.#session.reset()
    this.opened = false
    rememberOpen(false)
    this.#unread.clear()
  }

  /**
   * The strings in use: the locale's, with `strings` on top. Read again when the locale's own texts change: a page
   * with the script tag registers its language after the element first rendered (in English).
   */
  get #text(): FlowChatStrings {
    const locale = this.#locale
    const base = stringsFor(locale)
    const cached = this.#strings
    if (cached?.locale === locale && cached.base === base && cached.overrides === this.strings)
      return cached.value
    const value = stringsFor(locale, this.strings)
    this.#strings = { locale, base, overrides: this.strings, value }
    return value
  }

  /**
   * The locale in use, as a BCP 47 tag: pages often write `lang="en_US"`, which `Intl` refuses. Text even when a
   * page set a number: `locale = 42` is a tag Intl refuses, not a render that throws.
   */
  get #locale(): string {
    return `${this.locale || document.documentElement.lang || navigator.language || 'en'}`.replace(/_/g, '-')
  }

  get #inline(): boolean {
    return this.mode === 'inline'
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!this.hasUpdated || SESSION_KEYS.some((k) => changed.has(k))) this.#session.connect()
    if (!this.hasUpdated && !this.#inline && !this.opened && wasOpen()) this.opened = true
    if (this.#session.handle) for (const early of this.#early.splice(0)) this.#send(...early)
    const { error } = this.#session
    // A session that could not start (relay out of reach, refused) has no stream to tell it: the page hears
    // `failed` with the banner's reason, also from the first update (a relay URL the client refuses fails at once).
    const connection = error ? { state: 'failed' as const, reason: error } : this.#session.connection.value
    // A hostile stream may hand the observer a null: the widget treats it as no connection yet.
    const state = connection?.state ?? 'idle'
    if (state !== this.#connectionState) {
      this.#connectionState = state
      this.dispatchEvent(new FlowChatConnectionChangedEvent(connection))
    }
    if (changed.has('offset')) {
      // Only lengths CSS takes: a custom property holding `20` (no unit) or `banana` made the launcher's inset
      // invalid, which dropped it out of its corner into the page's flow. Those keep the default. Read as text, so
      // `offset = 20` from a page is such a value, not a render that throws. (No `CSS` in jsdom: the default.) A split gives one part at least.
      const [side, bottom = side] = `${this.offset}`
        .trim()
        .split(/\s+/)
        .map((v) => (globalThis.CSS?.supports('top', v) ? v : null)) as [string | null, (string | null)?]
      this.style.setProperty('--flow-chat-offset-side', side)
      this.style.setProperty('--flow-chat-offset-bottom', bottom)
    }
    // Told only when the window did open or close: not for `open(); close()` in one task (no update between), nor
    // in inline mode, which has no window to open.
    if (changed.has('opened') && this.hasUpdated && !this.#inline && changed.get('opened') !== this.opened) {
      rememberOpen(this.opened)
      if (this.opened) this.#unread.clear()
      this.dispatchEvent(this.opened ? new FlowChatOpenedEvent() : new FlowChatClosedEvent())
    }
  }

  /**
   * Tells new arrivals from history: only messages appended after what was already shown count. Costs what
   * was appended, not the length of the list (the search for the previous newest starts at the end).
   */
  #arrived(previous: readonly ChatMessage[], next: readonly ChatMessage[]): void {
    const last = previous.at(-1)
    let from = 0
    if (last) {
      from = next.findLastIndex((m) => m?.id === last.id) + 1
      if (!from) return this.#remember(next)
    }
    // Every id from `from` on is seen from now on (the whole list when it replaced the previous one). Ids seen
    // before stay seen: the same conversation shown again (the element back on the page, a new visitor's session
    // on the same thread) holds no new messages.
    const fresh = next.slice(from).filter((m) => {
      if (this.#seen.has(m.id)) return false
      this.#seen.add(m.id)
      return !m.own && (last || m.createdAt >= this.#session.connectedAt - 5_000)
    })
    for (const message of fresh) this.dispatchEvent(new FlowChatMessageReceivedEvent(message))
    if (fresh.length === 0) return
    this.#transcript.arrived(fresh.length)
    // The first list is the conversation so far: readable in the transcript, not read out.
    if (last) this.#announcement = fresh.map((m) => this.#spoken(m)).join('\n')
    if (last) for (const m of fresh) this.#hidden.arrived(this.heading || this.#text.title, this.#spoken(m))
    this.#unread.arrived(fresh.length, { unseen: !this.#inline && !this.opened, sound: this.sound })
  }

  /** Remembers the ids of a list that replaced the previous one (history), so none count as new later. */
  #remember(list: readonly ChatMessage[]): void {
    for (const m of list) this.#seen.add(m.id)
  }

  /**
   * What the live region (and a hidden tab's notification) says for a message from someone else: who, and its
   * text, else its fallback. Only strings are read out: a field of the wrong shape is left out.
   */
  #spoken(m: ChatMessage): string {
    const s = this.#text
    const who = textOf(m.senderName) || (m.sender === 'agent' ? s.agent : s.bot)
    const text = templatesOf(m)
      .map((t) => t.type === 'text' && textOf(t.payload?.text))
      .filter(Boolean)
      .join(' ')
    return `${who}: ${text || textOf(m.fallback)}`.trim()
  }

  /** Sends `input`, and tells the page what was sent: `detail`, or `input` itself when that says it already. */
  #send(input: SendInput, detail = input as SentDetail): void {
    // Asked here, in the visitor's gesture (or the page's call), not when a send queued before the chat connected
    // goes: a browser ignores a permission request that no gesture started.
    this.#hidden.ask()
    const handle = this.#session.handle
    if (!handle) return void this.#early.push([input, detail])
    this.#transcript.follow()
    // The client never throws here: it reports failures on the message itself (state `failed`, with a retry action).
    handle.send(input).subscribe({ error: () => undefined })
    this.dispatchEvent(new FlowChatMessageSentEvent(detail))
  }

  // As for #send: the message shows its state.
  #retry = (id: string) => this.#session.handle?.retry(id).subscribe({ error: () => undefined })

  #sendText = (text: string) => {
    const value = text.trim().slice(0, MAX_LENGTH)
    if (value) this.#send({ type: 'text', text: value })
  }

  #sendEvent = (eventName: string, label: string) => {
    if (eventName) this.#send({ type: 'event', eventName, label: label.trim().slice(0, MAX_LENGTH) })
  }

  #upload = (files: FileList | readonly File[] | null | undefined) => {
    // The client takes the media type from the file's and the title from its name.
    for (const file of Array.from(files ?? [])) {
      this.#send(
        { type: 'upload', file, filename: file.name },
        { type: 'upload', filename: file.name, size: file.size, mimeType: file.type },
      )
    }
  }

  #submit = () => {
    this.#sendText(this._draft)
    this._draft = ''
  }

  #loadOlder = async () => {
    const handle = this.#session.handle
    if (!handle || this._loadingOlder || !this.#session.hasOlder.value) return
    this._loadingOlder = true
    try {
      await handle.loadOlder()
    } catch {
      // hasOlder stays true: scrolling up again tries again.
    } finally {
      this._loadingOlder = false
    }
  }

  /** Opens or closes the window at the visitor's request, and puts focus where they will continue. */
  #toggle = () => {
    this.opened = !this.opened
    const target = this.opened ? 'textarea' : '.launcher'
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(target)?.focus())
  }

  #showNewest = () => {
    this.#transcript.follow()
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.transcript')?.focus())
  }

  #onKeydown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && this.opened && !this.#inline) this.#toggle()
  }

  #context(s: FlowChatStrings): MessageContext {
    return {
      strings: s,
      sendText: this.#sendText,
      sendEvent: this.#sendEvent,
      shareLocation: this.#location.share,
      retry: this.#retry,
      time: (t) => formatDate(this.#locale, t, { hour: '2-digit', minute: '2-digit' }),
    }
  }

  override render() {
    const s = this.#text
    if (this.#inline || this.opened) return this.#renderPanel(s)
    return this.#renderLauncher(s)
  }

  #renderLauncher(s: FlowChatStrings) {
    const unread = this.#unread.count
    const label = unread > 0 ? `${s.open} (${format(s.unread, { count: unread }, this.#locale)})` : s.open
    return html`<button
      class="launcher"
      part="launcher"
      type="button"
      aria-label=${label}
      aria-expanded="false"
      @click=${this.#toggle}
    >
      <svg viewBox="0 0 24 24" aria-hidden="true">
        <path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z" />
      </svg>
      ${
        unread > 0
          ? html`<span class="badge" part="badge" aria-hidden="true">${unread > 99 ? '99+' : unread}</span>`
          : nothing
      }
    </button>`
  }

  #renderPanel(s: FlowChatStrings) {
    const session = this.#session
    const ctx = this.#context(s)
    this.#transcript.show(session.messages.value, this.#strings, (m) => renderMessage(m, ctx))
    const heading = this.heading || this.getAttribute('title') || s.title
    const last = session.messages.value.at(-1)
    const quick =
      last && !last.own
        ? templatesOf(last).findLast((t) => t.type === 'text' && Array.isArray(t.payload?.quickReplies))
        : undefined
    return html`<section
      class=${this.#drop.dragging ? 'panel dragging' : 'panel'}
      dir=${directionOf(this.#locale) === 'rtl' ? 'rtl' : nothing}
      part="panel"
      aria-label=${heading}
      title=""
      @keydown=${this.#onKeydown}
      @dragenter=${this.#drop.onDrag}
      @dragover=${this.#drop.onDrag}
      @dragleave=${this.#drop.onDrag}
      @drop=${this.#drop.onDrop}
    >
      <header class="header" part="header">
        <h2><slot name="header">${heading}</slot></h2>
        ${
          this.#inline
            ? nothing
            : html`<button
                type="button"
                class="icon-button close"
                aria-label=${s.close}
                aria-expanded="true"
                @click=${this.#toggle}
              >
                ×
              </button>`
        }
      </header>
      ${renderBanners(session, s, this.#locale, (d) =>
        formatDate(this.#locale, d.getTime(), { weekday: 'long', hour: '2-digit', minute: '2-digit' }),
      )}
      <div class="transcript-frame">
        <div
          class="transcript"
          part="transcript"
          role="log"
          aria-live="off"
          aria-label=${s.transcript}
          tabindex="0"
          @scroll=${this.#transcript.onScroll}
        >
          ${
            session.hasOlder.value
              ? html`<button
                  type="button"
                  class="link-button older"
                  @click=${this.#loadOlder}
                  ?disabled=${this._loadingOlder}
                >
                  ${this._loadingOlder ? s.loadingOlder : s.loadOlder}
                </button>`
              : nothing
          }
          ${session.messages.value.length === 0 ? html`<slot name="empty"></slot>` : nothing}
          <div class="messages"></div>
        </div>
        ${
          this.#transcript.unseen > 0
            ? html`<button type="button" class="new-messages" part="new-messages" @click=${this.#showNewest}>
                ${format(s.newMessages, { count: this.#transcript.unseen }, this.#locale)}
              </button>`
            : nothing
        }
      </div>
      <div class="visually-hidden" role="status" aria-live="polite">${this.#announcement}</div>
      ${
        // Nobody is typing for a visitor who is offline: the answer cannot arrive until they are back.
        session.awaitingReply.value && session.connection.value.state !== 'offline'
          ? html`<div class="typing" part="typing" role="status">
              <span class="dots" aria-hidden="true"><span></span><span></span><span></span></span>
              <span class="visually-hidden">${format(s.typing, { name: heading })}</span>
            </div>`
          : nothing
      }
      ${quick?.type === 'text' ? renderQuickReplies(quick.payload.quickReplies, ctx) : nothing}
      ${renderComposer(
        {
          draft: this._draft,
          placeholder: this.placeholder || s.placeholder,
          disabled: !session.handle,
          notice: this._notice,
          onInput: (v) => (this._draft = v),
          onSubmit: this.#submit,
          onPaste: this.#drop.onPaste,
          onFiles: this.#upload,
          onLocation: this.#location.share,
        },
        s,
      )}
      ${this.#drop.dragging ? html`<div class="drop" aria-hidden="true">${s.dropFiles}</div>` : nothing}
    </section>`
  }
}
