import type { ReactiveController, ReactiveControllerHost } from 'lit'

/**
 * Files dragged onto the chat window or pasted into the composer: `dragging` while files hover over the window
 * (the element shows its drop hint), and `onFiles` with what was dropped or pasted. Drags of anything but files
 * (text, links) and pastes without files are left to the browser.
 *
 * @example
 * readonly #drop = new FileDropController(this, (files) => this.#upload(files))
 * html`<section @dragover=${this.#drop.onDrag} @drop=${this.#drop.onDrop}>`
 */
export class FileDropController implements ReactiveController {
  /** Files hover over the window. */
  dragging = false
  readonly #host: ReactiveControllerHost
  readonly #onFiles: (files: FileList) => void

  constructor(host: ReactiveControllerHost, onFiles: (files: FileList) => void) {
    this.#host = host
    this.#onFiles = onFiles
    host.addController(this)
  }

  hostDisconnected(): void {
    this.#set(false)
  }

  /** For `dragenter`, `dragover` and `dragleave`. */
  readonly onDrag = (e: DragEvent): void => {
    if (!e.dataTransfer?.types.includes('Files')) return
    e.preventDefault()
    this.#set(e.type !== 'dragleave')
  }

  readonly onDrop = (e: DragEvent): void => {
    if (!e.dataTransfer?.files.length) return
    e.preventDefault()
    this.#set(false)
    this.#onFiles(e.dataTransfer.files)
  }

  readonly onPaste = (e: ClipboardEvent): void => {
    const files = e.clipboardData?.files
    if (!files || files.length === 0) return
    e.preventDefault()
    this.#onFiles(files)
  }

  #set(dragging: boolean): void {
    if (dragging === this.dragging) return
    this.dragging = dragging
    this.#host.requestUpdate()
  }
}
