import { RelayLimits } from '../protocol/limits.js'

/**
 * A minimal `EventSource` over `fetch`: what the relay stream needs and the browser's native one lacks. The
 * caller's `fetch` sets the headers (the token goes in `Authorization`, never in the URL), a refused connection
 * reports its HTTP status as `code` on the `error` event (a 401 is seen as a 401), and it never reconnects by
 * itself: the first error or the end of the body closes it, and `createEventStream` decides what comes next.
 * It parses `event`, `data` and `id` fields; comments and `retry:` are ignored. A frame larger than any relay sends
 * (`MAX_FRAME_CHARS`: a line without a break, or data lines without the blank line that ends them) fails the
 * connection instead of growing the page's memory without bound.
 *
 * @example
 * const es = new FetchEventSource(url, { fetch: withAuthorization })
 * es.addEventListener('reply', (e) => console.log((e as MessageEvent<string>).data))
 */
/** A line's field and value: before and after its first colon, less one space after it (no colon: all field). */
const FIELD_LINE = /^([^:]*)(?:: ?(.*))?$/s

/**
 * The most characters a frame's data and unfinished line may hold: a relay's largest frame, in bytes (a character
 * of UTF-8 text takes one byte or more), for the highest body limit a relay takes.
 */
export const MAX_FRAME_CHARS = RelayLimits.maxBodyBytes + RelayLimits.eventFrameOverheadBytes

export class FetchEventSource extends EventTarget {
  // Set by the constructor; declared so that it is not also emitted as a class field.
  declare readonly url: string
  /** 0 connecting, 1 open, 2 closed, as `EventSource.readyState`. */
  readyState = 0
  readonly #abort = new AbortController()

  constructor(url: string, init?: { fetch?: typeof fetch }) {
    super()
    this.url = url
    void this.#run(init?.fetch ?? globalThis.fetch.bind(globalThis))
  }

  close(): void {
    this.readyState = 2
    this.#abort.abort()
  }

  async #run(fetchFn: typeof fetch): Promise<void> {
    try {
      const res = await fetchFn(this.url, {
        headers: { accept: 'text/event-stream' },
        cache: 'no-store',
        signal: this.#abort.signal,
      })
      const body = res.body
      if (
        res.status !== 200 ||
        !/^text\/event-stream/i.test(res.headers.get('content-type') ?? '') ||
        !body
      ) {
        void body?.cancel().catch(() => undefined)
        // A 200 that is not a stream (a proxy's page) has no status worth acting on: it is a network failure.
        return this.#fail(
          res.status === 200 ? undefined : res.status,
          `HTTP ${res.status}, not an event stream`,
        )
      }
      if (this.readyState === 2) return
      this.readyState = 1
      this.dispatchEvent(new Event('open'))
      const reader = body.pipeThrough(new TextDecoderStream()).getReader()
      let buffer = ''
      let data: string[] = []
      /** Characters read since the last frame ended (at most one chunk fewer: a frame may end mid-chunk). */
      let size = 0
      let name = ''
      let id = ''
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        buffer += value
        size += value.length
        // Only a chunk with a line break can end a line: splitting the whole buffer again for each chunk of one
        // long line would take quadratic time.
        if (/[\r\n]/.test(value)) {
          // A chunk may end between the `\r` and `\n` of one line break: keep a trailing `\r` for the next chunk.
          const cut = buffer.endsWith('\r') ? buffer.length - 1 : buffer.length
          const lines = buffer.slice(0, cut).split(/\r\n|\r|\n/)
          buffer = (lines.pop() ?? '') + buffer.slice(cut)
          for (const line of lines) {
            if (line === '') {
              if (data.length > 0 && this.readyState === 1)
                this.dispatchEvent(
                  new MessageEvent(name || 'message', { data: data.join('\n'), lastEventId: id }),
                )
              data = []
              size = 0
              name = ''
              continue
            }
            // Matches every line. A comment (`:` first) has the empty field, which is none of these.
            const [, field, text = ''] = FIELD_LINE.exec(line)!
            if (field === 'data') data.push(text)
            else if (field === 'event') name = text
            else if (field === 'id' && !text.includes('\0')) id = text
          }
        }
        if (size > MAX_FRAME_CHARS) {
          throw new Error('a frame too large for an event stream')
        }
      }
      this.#fail(undefined, 'the stream ended')
    } catch (error) {
      this.#fail(undefined, error instanceof Error ? error.message : String(error))
    }
  }

  #fail(code: number | undefined, message: string): void {
    if (this.readyState === 2) return
    this.readyState = 2
    this.dispatchEvent(Object.assign(new Event('error'), { code, message }))
  }
}
