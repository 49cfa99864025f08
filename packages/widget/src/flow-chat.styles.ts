/**
 * The widget's styles. Internal custom properties are short (`--_a` accent, `--_at` text on it, `--_bg`, `--_t`
 * text, `--_m` muted, `--_b` bubble, `--_l` lines, `--_f` focus, `--_r` radius, `--_w`/`--_h` window size, `--_s`
 * launcher size): each reads its documented `--flow-chat-*` property, which is the API.
 * Colours come from custom properties with light and dark defaults (`light-dark()`
 * follows `prefers-color-scheme`, or `color-scheme` set on the element); spacing uses logical properties so
 * right-to-left pages mirror the layout.
 * One literal with no interpolation, which the element adopts as one constructed style sheet; nothing here comes
 * from outside the source.
 */
export const styles = `
  :host {
    color-scheme: light dark;
    --_a: var(--flow-chat-accent, #2b59c3);
    --_at: var(--flow-chat-accent-text, #fff);
    --_bg: var(--flow-chat-background, light-dark(#fff, #16181d));
    --_t: var(--flow-chat-text, light-dark(#1b1d22, #eceef2));
    --_m: var(--flow-chat-muted, light-dark(#5d6370, #a3a9b6));
    --_b: var(--flow-chat-bubble, light-dark(#eef0f4, #262a33));
    --_l: var(--flow-chat-border, light-dark(#d9dce3, #363b46));
    --_f: var(--flow-chat-focus, light-dark(#1a47b8, #8fb0ff));
    --_r: var(--flow-chat-radius, 14px);
    --_w: var(--flow-chat-width, 380px);
    --_h: var(--flow-chat-height, 600px);
    --_s: var(--flow-chat-launcher-size, 56px);
    display: block;
    font-family: var(--flow-chat-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    font-size: var(--flow-chat-font-size, 15px);
    line-height: 1.4;
    color: var(--_t);
  }
  :host(:not([mode='inline'])) {
    position: fixed;
    inset-block-end: var(--flow-chat-offset-bottom, 20px);
    inset-inline-end: var(--flow-chat-offset-side, 20px);
    z-index: var(--flow-chat-z-index, 2147483000);
  }
  :host([position='bottom-left']:not([mode='inline'])) {
    inset-inline-end: auto;
    inset-inline-start: var(--flow-chat-offset-side, 20px);
  }
  :host([mode='inline']) {
    height: var(--_h);
  }
  :host([hidden]) {
    display: none;
  }
  *,
  ::before,
  ::after {
    box-sizing: border-box;
  }
  :focus-visible {
    outline: 3px solid var(--_f);
    outline-offset: 2px;
  }
  button,
  textarea {
    font: inherit;
    color: inherit;
  }
  /* .button and .chip set their own border further down. */
  .launcher,
  .icon-button,
  .new-messages,
  .link-button,
  .button,
  .chip {
    border: none;
    cursor: pointer;
  }
  svg {
    width: 20px;
    height: 20px;
    fill: currentColor;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  .launcher {
    position: relative;
    width: var(--_s);
    height: var(--_s);
    border-radius: 50%;
    box-shadow: 0 4px 14px rgb(0 0 0 / 25%);
    display: grid;
    place-items: center;
  }
  .launcher svg {
    width: 28px;
    height: 28px;
  }
  .badge {
    position: absolute;
    inset-block-start: -4px;
    inset-inline-end: -4px;
    min-width: 22px;
    padding: 2px 6px;
    border-radius: 11px;
    background: #d42a2a;
    color: #fff;
    font-size: 12px;
    font-weight: 700;
  }
  .panel {
    position: relative;
    display: flex;
    flex-direction: column;
    height: 100%;
    background: var(--_bg);
    border: 1px solid var(--_l);
    border-radius: var(--_r);
    overflow: hidden;
  }
  :host(:not([mode='inline'])) .panel {
    width: var(--_w);
    height: min(var(--_h), calc(100vh - 40px));
    box-shadow: 0 10px 40px rgb(0 0 0 / 25%);
  }
  .header {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 12px 16px;
  }
  .header h2 {
    flex: 1;
    margin: 0;
    font-size: 1.05em;
  }
  .icon-button {
    display: inline-grid;
    place-items: center;
    width: 36px;
    height: 36px;
    flex: none;
    border-radius: 50%;
    background: none;
  }
  .icon-button:disabled {
    opacity: 0.4;
    cursor: default;
  }
  .icon-button:hover:not(:disabled) {
    background: color-mix(in srgb, currentColor 12%, transparent);
  }
  .send {
    color: var(--_a);
  }
  :host(:dir(rtl)) .send svg,
  :host(:dir(rtl)) .carousel-nav {
    transform: scaleX(-1);
  }
  .banner {
    padding: 8px 16px;
    font-size: 0.9em;
    border-block-end: 1px solid var(--_l);
    background: light-dark(#fff6db, #3a3216);
  }
  .banner-failed {
    background: light-dark(#fde4e4, #451c1c);
  }
  .banner-agent,
  .banner-paused {
    background: light-dark(#e3f3e6, #1b3a22);
  }
  .transcript {
    flex: 1;
    overflow-y: auto;
    overscroll-behavior: contain;
    padding: 12px;
    display: flex;
    flex-direction: column;
    gap: 10px;
  }
  .older {
    align-self: center;
  }
  .transcript-frame {
    position: relative;
    flex: 1;
    min-height: 0;
    display: flex;
    flex-direction: column;
  }
  .messages {
    display: flex;
    flex-direction: column;
    gap: 10px;
  }
  .row {
    display: contents;
  }
  .new-messages {
    position: absolute;
    bottom: 8px;
    inset-inline-start: 50%;
    translate: -50% 0;
    z-index: 1;
    border-radius: 999px;
    padding: 6px 14px;
    box-shadow: 0 2px 8px rgb(0 0 0 / 25%);
  }
  .message {
    display: flex;
    gap: 8px;
    max-width: 88%;
    align-items: flex-end;
  }
  .message.visitor {
    align-self: flex-end;
  }
  .message-body {
    display: flex;
    flex-direction: column;
    gap: 4px;
    min-width: 0;
  }
  .visitor .message-body {
    align-items: flex-end;
  }
  .avatar {
    width: 28px;
    height: 28px;
    border-radius: 50%;
    object-fit: cover;
  }
  .sender {
    font-size: 0.8em;
    color: var(--_m);
  }
  .bubble {
    background: var(--_b);
    border-radius: var(--_r);
    padding: 8px 12px;
    overflow-wrap: anywhere;
    max-width: 100%;
  }
  .launcher,
  .header,
  .new-messages,
  .visitor .bubble {
    background: var(--_a);
    color: var(--_at);
  }
  .visitor .bubble a {
    color: inherit;
  }
  .bubble-card,
  .bubble-list,
  .bubble-image,
  .bubble-video {
    overflow: hidden;
    border: 1px solid var(--_l);
  }
  .bubble-card,
  .bubble-carousel,
  .bubble-list,
  .bubble-image,
  .bubble-video {
    padding: 0;
    background: none;
  }
  .bubble-carousel {
    width: 100%;
  }
  .text {
    margin: 0;
    white-space: pre-wrap;
  }
  a,
  .link-button {
    color: light-dark(var(--_a), var(--_f));
  }
  .meta {
    display: flex;
    gap: 6px;
    align-items: center;
    font-size: 0.75em;
    color: var(--_m);
  }
  .status-failed,
  .counter.near {
    color: light-dark(#b3261e, #ff8a80);
  }
  .status-failed {
    font-weight: 600;
  }
  progress {
    width: 120px;
    height: 6px;
    accent-color: var(--_a);
  }
  .link-button {
    background: none;
    padding: 0 2px;
    text-decoration: underline;
  }
  .buttons {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    padding-block-start: 6px;
  }
  .card .buttons,
  .list .buttons {
    padding: 8px 12px 12px;
  }
  .button,
  .chip {
    display: inline-block;
    max-width: 100%;
    padding: 6px 12px;
    border-radius: 1.1em;
    overflow-wrap: anywhere;
    text-align: start;
    border: 1px solid var(--_a);
    background: var(--_bg);
    color: light-dark(var(--_a), var(--_t));
    text-decoration: none;
    font-size: 0.9em;
  }
  .button:disabled {
    opacity: 0.6;
    cursor: default;
  }
  .card {
    background: var(--_bg);
    display: flex;
    flex-direction: column;
    height: 100%;
  }
  .card-media {
    display: block;
    width: 100%;
    aspect-ratio: 16 / 9;
    object-fit: cover;
    background: var(--_b);
  }
  .card-body {
    padding: 8px 12px 0;
  }
  .card-title {
    margin: 0;
    font-size: 1em;
  }
  .card-subtitle {
    margin: 2px 0 0;
    color: var(--_m);
    font-size: 0.9em;
  }
  .carousel-track {
    display: flex;
    gap: 8px;
    overflow-x: auto;
    scroll-snap-type: x mandatory;
    padding-block-end: 4px;
  }
  .carousel-item {
    flex: 0 0 78%;
    scroll-snap-align: start;
    border: 1px solid var(--_l);
    border-radius: var(--_r);
    overflow: hidden;
  }
  .carousel-nav {
    display: flex;
    justify-content: flex-end;
    gap: 4px;
  }
  .carousel-nav .icon-button,
  .close {
    font-size: 1.5em;
    line-height: 1;
  }
  .list {
    background: var(--_bg);
  }
  .list ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .list-item {
    border-block-end: 1px solid var(--_l);
    padding-block-end: 8px;
  }
  .list-item:not(.featured) .card-media {
    display: none;
  }
  .media {
    margin: 0;
  }
  .media > * {
    display: block;
    max-width: 100%;
  }
  .media img,
  .media video {
    max-height: 240px;
  }
  .media img {
    /* Room for the image before it loads, so the transcript does not jump when it does. */
    width: 100%;
    aspect-ratio: auto 16 / 9;
    object-fit: contain;
  }
  /* An image that did not load (broken() in media.ts), in a figure or a card. */
  [hidden],
  .unavailable {
    display: none;
  }
  .broken .unavailable {
    display: block;
  }
  figcaption {
    padding: 4px 12px 6px;
    font-size: 0.85em;
    color: var(--_m);
  }
  .file,
  .location {
    color: inherit;
  }
  .typing {
    padding: 0 16px 6px;
  }
  .dots {
    display: inline-flex;
    gap: 4px;
    padding: 10px 12px;
    border-radius: var(--_r);
    background: var(--_b);
  }
  .dots span {
    width: 7px;
    height: 7px;
    border-radius: 50%;
    background: var(--_m);
    animation: blink 1.2s infinite ease-in-out;
  }
  .dots span:nth-child(2) {
    animation-delay: 0.2s;
  }
  .dots span:nth-child(3) {
    animation-delay: 0.4s;
  }
  /* From full opacity down to .3, a pause, and back up: the wave of 0%, 80%, 100% at .3 and 40% at 1, entered at its
     peak (the same dots 0.48 s on). Full opacity needs no keyframe, as it is the dots' own (and their look with
     reduced motion). */
  @keyframes blink {
    40%,
    60% {
      opacity: 0.3;
    }
  }
  .quick-replies {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    padding: 6px 12px;
    /* Hundreds of chips scroll here instead of pushing the composer out of the window. */
    max-height: min(30%, 9.5em);
    overflow-y: auto;
    overscroll-behavior: contain;
    flex-shrink: 0;
  }
  .composer {
    border-block-start: 1px solid var(--_l);
    padding: 8px 8px 4px;
  }
  .composer-row {
    display: flex;
    align-items: flex-end;
    gap: 2px;
  }
  textarea {
    flex: 1;
    min-width: 0;
    resize: none;
    field-sizing: content;
    max-height: 8em;
    min-height: 36px;
    padding: 7px 10px;
    border: 1px solid var(--_l);
    border-radius: 18px;
    background: var(--_bg);
  }
  .counter {
    text-align: end;
    font-size: 0.7em;
    color: var(--_m);
    padding-inline-end: 8px;
  }
  .notice {
    margin: 0 0 6px;
    font-size: 0.85em;
    color: var(--_m);
  }
  .drop {
    position: absolute;
    inset: 0;
    display: grid;
    place-items: center;
    background: color-mix(in srgb, var(--_a) 85%, transparent);
    color: var(--_at);
    font-weight: 600;
    pointer-events: none;
  }
  @media (max-width: 640px) {
    :host(:not([mode='inline'])[open]) {
      inset: 0;
    }
    :host(:not([mode='inline'])) .panel {
      width: 100vw;
      height: 100dvh;
      border-radius: 0;
      border: none;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    /* The typing dots are the only animation; the carousel picks its own scroll behaviour in script. */
    .dots span {
      animation: none;
    }
  }
`
