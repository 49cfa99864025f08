import { MAX_TEXT_LENGTH } from '@flowchat/core/schemas'
import { html, nothing, type TemplateResult } from 'lit/html.js'
import { format, type FlowChatStrings } from '../strings.js'

/** The longest text Flow.ai accepts in one message. */
export const MAX_LENGTH = MAX_TEXT_LENGTH

/** What the composer shows and the handlers it calls. */
export interface ComposerState {
  draft: string
  placeholder: string
  disabled: boolean
  notice: string
  onInput: (value: string) => void
  onSubmit: () => void
  onPaste: (event: ClipboardEvent) => void
  onFiles: (files: FileList | null) => void
  onLocation: () => void
}

/**
 * The composer: a text area (Enter sends, Shift+Enter starts a new line) with the 255-character count
 * visible, a file picker, a location button and a send button.
 *
 * @example
 * renderComposer({ draft: '', placeholder: 'Type…', disabled: false, notice: '', ...handlers }, strings)
 */
export function renderComposer(c: ComposerState, s: FlowChatStrings): TemplateResult {
  const keydown = (e: KeyboardEvent) => {
    // isComposing: Enter that confirms an IME candidate (Japanese, Chinese, …) must not send.
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault()
      c.onSubmit()
    }
  }
  const pick = (e: Event) => {
    const input = (e.currentTarget as HTMLElement).parentElement?.querySelector<HTMLInputElement>(
      'input[type=file]',
    )
    input?.click()
  }
  const count = c.draft.length
  return html`<form
    class="composer"
    part="composer"
    @submit=${(e: Event) => {
      e.preventDefault()
      c.onSubmit()
    }}
  >
    ${c.notice ? html`<p class="notice" role="status">${c.notice}</p>` : nothing}
    <div class="composer-row">
      <textarea
        part="input"
        rows="1"
        dir="auto"
        maxlength=${MAX_LENGTH}
        aria-label=${s.placeholder}
        aria-describedby="counter"
        placeholder=${c.placeholder}
        .value=${c.draft}
        ?disabled=${c.disabled}
        @input=${(e: Event) => c.onInput((e.target as HTMLTextAreaElement).value)}
        @keydown=${keydown}
        @paste=${c.onPaste}
      ></textarea>
      <input
        class="visually-hidden"
        type="file"
        multiple
        tabindex="-1"
        aria-hidden="true"
        @change=${(e: Event) => {
          const input = e.target as HTMLInputElement
          c.onFiles(input.files)
          input.value = ''
        }}
      />
      ${iconButton('attach', s.attach, c.disabled, ATTACH_ICON, pick)}
      ${iconButton('location', s.shareLocation, c.disabled, LOCATION_ICON, c.onLocation)}
      ${iconButton('send', s.send, c.disabled || c.draft.trim() === '', SEND_ICON)}
    </div>
    <div id="counter" class=${count >= MAX_LENGTH - 20 ? 'counter near' : 'counter'} part="counter">
      <span aria-hidden="true">${count}/${MAX_LENGTH}</span>
      <span class="visually-hidden">${format(s.characters, { count, max: MAX_LENGTH })}</span>
    </div>
  </form>`
}

const ATTACH_ICON =
  'M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5H9v9a3 3 0 0 0 6 0V5a4.5 4.5 0 0 0-9 0v11.5a6 6 0 0 0 12 0v-10z'
const LOCATION_ICON =
  'M12 2a7 7 0 0 0-7 7c0 5.25 7 13 7 13s7-7.75 7-13a7 7 0 0 0-7-7zm0 9.5A2.5 2.5 0 1 1 12 6.5a2.5 2.5 0 0 1 0 5z'
const SEND_ICON = 'M3 20.5 21 12 3 3.5v6.6L15 12 3 13.9z'

/** One icon button of the composer row, labelled for screen readers; without `onClick` it submits the form. */
function iconButton(
  part: string,
  label: string,
  disabled: boolean,
  icon: string,
  onClick?: (event: Event) => void,
): TemplateResult {
  return html`<button
    type=${onClick ? 'button' : 'submit'}
    class=${onClick ? 'icon-button' : 'icon-button send'}
    part=${part}
    aria-label=${label}
    title=${label}
    ?disabled=${disabled}
    @click=${onClick}
  >
    <svg viewBox="0 0 24 24" aria-hidden="true"><path d=${icon} /></svg>
  </button>`
}
