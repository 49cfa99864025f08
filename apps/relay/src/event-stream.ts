import type { ServerResponse } from 'node:http'
import { compareEventIds } from './storage/event-id.js'
import type { EventEnvelope, EventStorage, StreamKey } from './storage/types.js'
import type { RelayMetrics } from './metrics.js'
import { createSseWriter, eventFrame, textFrame } from './sse-writer.js'

/** Events read from storage per page while replaying a resume. */
const REPLAY_PAGE = 500

const heartbeatFrame = textFrame(': hb\n\n')

export interface EventStreamOptions {
  storage: EventStorage
  stream: StreamKey
  /** The id the client last saw; undefined starts live. Already validated as `<ms>-<seq>`. */
  lastEventId: string | undefined
  heartbeatMs: number
  retryMs: number
  /** Unsent bytes (buffered in the socket and in Node) past which the reader is disconnected. */
  maxBufferedBytes: number
  metrics: RelayMetrics
  /** Called once, when the stream ends for any reason. */
  onClose: () => void
}

/** An open SSE stream, as the relay's registry sees it. */
export interface OpenEventStream {
  /** Ends the stream with a retry hint (graceful shutdown). */
  end(retryMs: number): void
  readonly closed: Promise<void>
}

/**
 * Serves one SSE stream on a raw response whose headers are already written: the `retry:` hint, then the events
 * after `lastEventId` (or `reset` when that id is not retained), then live events, with heartbeats.
 *
 * No gap, no duplicate: it subscribes to live events first and holds them, reads the log after the client's id,
 * then releases the held events newer than the last one sent.
 *
 * Frames reach the socket through an {@link createSseWriter | SSE writer}: each event is serialised once for all
 * its readers, and the frames of one event-loop turn go out as one write.
 *
 * @example
 * const open = serveEventStream(reply.raw, { storage, stream: { thread }, lastEventId, ... })
 */
export function serveEventStream(res: ServerResponse, options: EventStreamOptions): OpenEventStream {
  const { storage, stream, metrics } = options
  let lastSent: string | undefined
  let held: EventEnvelope[] | undefined = []
  let done = false
  let resolveClosed!: () => void
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve))
  const writer = createSseWriter(res, { maxBufferedBytes: options.maxBufferedBytes, onSlow: finish })

  function send(event: EventEnvelope): void {
    if (lastSent !== undefined && compareEventIds(event.id, lastSent) <= 0) return
    lastSent = event.id
    writer.push(eventFrame(event))
    metrics.eventDelivered()
  }

  const unsubscribe = storage.subscribe(stream, (event) => {
    if (held) held.push(event)
    else send(event)
  })
  const heartbeat = setInterval(() => writer.push(heartbeatFrame), options.heartbeatMs)
  heartbeat.unref()

  function finish(): void {
    if (done) return
    done = true
    writer.discard()
    clearInterval(heartbeat)
    unsubscribe()
    options.onClose()
    resolveClosed()
  }
  res.on('close', finish)
  res.on('error', finish)

  writer.push(textFrame(`retry: ${options.retryMs}\n\n`))
  void replay().catch(() => {
    // The log could not be read (storage down): end the stream; the client reconnects and resumes.
    finish()
    res.end()
  })

  async function replay(): Promise<void> {
    if (options.lastEventId !== undefined) {
      let after = options.lastEventId
      for (;;) {
        const page = await storage.read(stream, after, REPLAY_PAGE)
        if (done) return
        if (page.reset) {
          writer.push(textFrame(`event: reset\ndata: ${JSON.stringify({ reason: page.reason })}\n\n`))
          break
        }
        for (const event of page.events) {
          send(event)
          // Memory storage answers a read at once: without waiting for the socket, a long gap would pile up in
          // Node's buffer, pass maxBufferedBytes and cut the reader off before it got a byte, on every retry.
          // So the replay writes about a socket buffer at a time and waits for the reader to take it.
          if (writer.queuedBytes >= res.writableHighWaterMark) {
            writer.flush()
            if (res.writableNeedDrain) await drained()
          }
          if (done) return
        }
        const last = page.events.at(-1)
        if (!last || page.events.length < REPLAY_PAGE) break
        after = last.id
      }
    }
    const pending = held ?? []
    held = undefined
    for (const event of pending) send(event)
  }

  function drained(): Promise<void> {
    return new Promise((resolve) => {
      const go = () => {
        res.off('drain', go)
        res.off('close', go)
        resolve()
      }
      res.on('drain', go)
      res.on('close', go)
    })
  }

  return {
    end(retryMs) {
      if (done) return
      writer.flush()
      res.write(`retry: ${retryMs}\n\n`)
      finish()
      res.end()
    },
    closed,
  }
}
