/** One Server-Sent Event as the stream framed it. */
export interface SseEvent {
  id?: string
  event?: string
  data: string
}

/**
 * An incremental `text/event-stream` parser: feed it chunks as they arrive, it calls `onEvent` per event.
 * Comments (`: hb`) and `retry:` are dropped. Thousands of subscribers share one process, so this stays a plain
 * loop over lines rather than an `EventSource` per connection.
 *
 * @example
 * const feed = createSseParser((e) => console.log(e.id, e.data))
 * res.on('data', feed)
 */
export function createSseParser(onEvent: (event: SseEvent) => void): (chunk: string) => void {
  let buffer = ''
  let id: string | undefined
  let event: string | undefined
  let data: string[] = []
  return (chunk) => {
    buffer += chunk
    let start = 0
    for (let nl = buffer.indexOf('\n', start); nl !== -1; nl = buffer.indexOf('\n', start)) {
      let line = buffer.slice(start, nl)
      start = nl + 1
      if (line.endsWith('\r')) line = line.slice(0, -1)
      if (line === '') {
        if (data.length > 0 || event !== undefined) onEvent({ id, event, data: data.join('\n') })
        id = undefined
        event = undefined
        data = []
        continue
      }
      if (line.startsWith(':')) continue
      const colon = line.indexOf(':')
      const field = colon === -1 ? line : line.slice(0, colon)
      let value = colon === -1 ? '' : line.slice(colon + 1)
      if (value.startsWith(' ')) value = value.slice(1)
      if (field === 'data') data.push(value)
      else if (field === 'id') id = value
      else if (field === 'event') event = value
    }
    buffer = buffer.slice(start)
  }
}
