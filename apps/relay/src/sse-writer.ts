import type { ServerResponse } from 'node:http'
import type { EventEnvelope } from './storage/types.js'

/**
 * One SSE frame, encoded to UTF-8 once: every stream it goes to writes the same bytes, so no reader pays for
 * encoding it again. `bytes` is its length, so queued bytes count what the socket will really hold.
 */
export interface SseFrame {
  chunk: Buffer
  bytes: number
}

export interface SseWriterOptions {
  /** Unsent bytes (queued here, buffered in Node and the socket) past which the reader is cut off. */
  maxBufferedBytes: number
  /** Called once when the reader is cut off for not keeping up (the response is already destroyed). */
  onSlow: () => void
}

/** The frames of one SSE response, queued during an event-loop turn and written together at its end. */
export interface SseWriter {
  /** Queues a frame; checks the slow-reader bound with what is queued and what Node still holds. */
  push(frame: SseFrame): void
  /** Writes what is queued now, as one write. */
  flush(): void
  /** Bytes queued and not yet handed to the response. */
  readonly queuedBytes: number
  /** Forgets what is queued (the response is gone or ending). */
  discard(): void
}

/** Writers with frames queued in this turn; one `setImmediate` flushes them all. */
let dirty = new Set<Writer>()
let scheduled = false

function flushDirty(): void {
  scheduled = false
  const now = dirty
  dirty = new Set()
  for (const writer of now) writer.flush()
}

class Writer implements SseWriter {
  #queue: Buffer[] = []
  #queuedBytes = 0
  #gone = false
  readonly res: ServerResponse
  readonly options: SseWriterOptions

  constructor(res: ServerResponse, options: SseWriterOptions) {
    this.res = res
    this.options = options
  }

  get queuedBytes(): number {
    return this.#queuedBytes
  }

  push(frame: SseFrame): void {
    if (this.#gone) return
    this.#queue.push(frame.chunk)
    this.#queuedBytes += frame.bytes
    if (this.#queuedBytes + this.res.writableLength > this.options.maxBufferedBytes) {
      this.#cutOff()
      return
    }
    dirty.add(this)
    if (!scheduled) {
      scheduled = true
      setImmediate(flushDirty)
    }
  }

  flush(): void {
    if (this.#gone || this.#queue.length === 0) return
    // One frame (the usual turn): the shared bytes as they are. Several: one copy into one chunk, so the turn is
    // still one write (one chunk header of the chunked response, one syscall).
    const chunk =
      this.#queue.length === 1 ? (this.#queue[0] as Buffer) : Buffer.concat(this.#queue, this.#queuedBytes)
    this.#queue = []
    this.#queuedBytes = 0
    dirty.delete(this)
    this.res.write(chunk)
    // writableLength counts what Node holds because the socket would not take it: the reader is not keeping up.
    if (this.res.writableLength > this.options.maxBufferedBytes) this.#cutOff()
  }

  discard(): void {
    this.#gone = true
    this.#queue = []
    this.#queuedBytes = 0
    dirty.delete(this)
  }

  #cutOff(): void {
    this.discard()
    this.res.destroy()
    this.options.onSlow()
  }
}

/**
 * Queues the frames bound for one SSE response and writes those of one event-loop turn as a single write, so a
 * burst of events costs the socket one write (and one chunk) per reader instead of one per event. Order is kept:
 * every frame of the response goes through the queue.
 *
 * @example
 * const writer = createSseWriter(res, { maxBufferedBytes: 1 << 20, onSlow: finish })
 * writer.push(eventFrame(event))
 */
export function createSseWriter(res: ServerResponse, options: SseWriterOptions): SseWriter {
  return new Writer(res, options)
}

/** Frames that are not events (retry hints, heartbeats, reset). */
export function textFrame(text: string): SseFrame {
  const chunk = Buffer.from(text, 'utf8')
  return { chunk, bytes: chunk.length }
}

// Every subscriber of a stream is handed the same envelope object in turn, so remembering the last one serialises
// each event once for all its readers, and holds no more than one event.
let lastEvent: EventEnvelope | undefined
let lastFrame: SseFrame | undefined

/**
 * The SSE frame of an event (`id`, `event`, `data`), serialised and encoded once per envelope object and shared by
 * every reader.
 *
 * @example
 * writer.push(eventFrame(event))
 */
export function eventFrame(event: EventEnvelope): SseFrame {
  if (event !== lastEvent || lastFrame === undefined) {
    lastFrame = textFrame(`id: ${event.id}\nevent: ${event.kind}\ndata: ${JSON.stringify(event)}\n\n`)
    lastEvent = event
  }
  return lastFrame
}
