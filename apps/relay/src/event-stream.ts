import type { ServerResponse } from 'node:http'
import { HEARTBEAT_FRAME, RESET_EVENT, helloFrame } from '@flowchat/core/protocol'
import { compareEventIds } from './storage/event-id.js'
import type { EventEnvelope, EventStorage, StreamKey } from './storage/types.js'
import type { RelayMetrics } from './metrics.js'
import {
  createSseWriter,
  eventFrame,
  textFrame,
  type SseFrame,
  type SseWriter,
  type SseWriterOptions,
} from './sse-writer.js'

/** Events read from storage per page while replaying a resume. */
const REPLAY_PAGE = 500

/** A named event, not a comment: a browser's EventSource hides comments, so a client could not see a stall. */
const heartbeatFrame = textFrame(HEARTBEAT_FRAME)

/**
 * Whether `id` comes after `last`, remembered for the last pair asked: the readers of a thread ask the same
 * question of each event (their last one was the previous event), so each event's id is compared once, not once
 * per reader.
 */
let asked = { id: '', last: '', newer: false }

function isNewer(id: string, last: string): boolean {
  if (id !== asked.id || last !== asked.last) asked = { id, last, newer: compareEventIds(id, last) > 0 }
  return asked.newer
}

/**
 * One timer per heartbeat interval for every open stream, not one per stream: an idle stream then costs no timer.
 * A stream that joins between two ticks gets its first heartbeat sooner than `heartbeatMs`, never later.
 */
const heartbeats = new Map<number, { streams: Set<EventStream>; timer: NodeJS.Timeout }>()

function joinHeartbeat(ms: number, stream: EventStream): void {
  let group = heartbeats.get(ms)
  if (!group) {
    const streams = new Set<EventStream>()
    const timer = setInterval(() => {
      for (const s of streams) s.heartbeat()
    }, ms)
    timer.unref()
    group = { streams, timer }
    heartbeats.set(ms, group)
  }
  group.streams.add(stream)
}

function leaveHeartbeat(ms: number, stream: EventStream): void {
  const group = heartbeats.get(ms)
  if (!group) return
  group.streams.delete(stream)
  if (group.streams.size === 0) {
    clearInterval(group.timer)
    heartbeats.delete(ms)
  }
}

export interface EventStreamOptions {
  storage: EventStorage
  stream: StreamKey
  /** The id the client last saw; undefined starts live. Already validated as `<ms>-<seq>`. */
  lastEventId: string | undefined
  heartbeatMs: number
  retryMs: number
  /** Unsent bytes (buffered in the socket and in Node) past which the reader is disconnected. */
  maxBufferedBytes: number
  /** Counts the stream open while it is, and each event it delivers. */
  metrics: RelayMetrics
  /** Released once, when the stream ends for any reason (the stream's slot in the registry). */
  slot: { release(): void }
}

/** An open SSE stream, as the relay's registry sees it. */
export interface OpenEventStream {
  /** Ends the stream with a retry hint (graceful shutdown). */
  end(retryMs: number): void
  /** Resolves when the stream has ended. */
  readonly closed: Promise<void>
}

/**
 * Calls `finish` when the response closes or fails: one listener for both (a closure passed, not a named one, which
 * a build that keeps function names would give a property table of its own).
 */
function onEnd(res: ServerResponse, finish: () => void): void {
  res.on('close', finish)
  res.on('error', finish)
}

/** Tells the client to refetch history: the relay cannot give it what it missed. */
const resetFrame = (reason: string): SseFrame =>
  textFrame(`event: ${RESET_EVENT}\ndata: ${JSON.stringify({ reason })}\n\n`)

/** `retry:` and `hello` frames by their two intervals: every stream of a relay starts with the same bytes. */
const openingFrames = new Map<string, SseFrame>()

function openingFrame(retryMs: number, heartbeatMs: number): SseFrame {
  const key = `${retryMs}/${heartbeatMs}`
  let frame = openingFrames.get(key)
  if (!frame) {
    // The hello announces the heartbeat interval: a client that hears nothing for two of them reconnects.
    frame = textFrame(`retry: ${retryMs}\n\n${helloFrame(heartbeatMs)}`)
    openingFrames.set(key, frame)
  }
  return frame
}

/**
 * Serves one SSE stream on a raw response whose headers are already written: the `retry:` hint and the `hello`
 * frame (announcing `heartbeatMs`), then the events after `lastEventId` (or `reset` when that id is not retained),
 * then live events, with a `heartbeat` event every `heartbeatMs`.
 *
 * No gap, no duplicate: it subscribes to live events first and holds them, reads the log after the client's id,
 * then releases the held events newer than the last one sent.
 *
 * Frames reach the socket through an {@link createSseWriter | SSE writer}: each event is serialised once for all
 * its readers, and the frames queued between two flushes go out as one write.
 *
 * @example
 * const open = serveEventStream(reply.raw, { storage, stream: { thread }, lastEventId, ... })
 */
export function serveEventStream(res: ServerResponse, options: EventStreamOptions): OpenEventStream {
  const served = new EventStream(res, options)
  served.start(options)
  return served
}

/**
 * The state of one open stream. A class rather than closures: thousands of idle streams share its methods, and
 * each holds only its fields, the writer and two small listeners (its storage subscription and its response's
 * end). The options object is not kept: an idle stream holds what it uses, not what it was opened with.
 */
class EventStream implements OpenEventStream, SseWriterOptions {
  readonly maxBufferedBytes: number
  #lastSent: string | undefined
  /** Live events that arrive while a resume replays the log; undefined once live. */
  #held: EventEnvelope[] | undefined
  #done = false
  /** A reset came while the replay ran: it stops, and sends only what came after the reset. */
  #replayCut = false
  /** Made when someone waits for the end (a graceful shutdown), not for every stream. */
  #closed: { promise: Promise<void>; resolve: () => void } | undefined
  readonly #res: ServerResponse
  readonly #writer: SseWriter
  readonly #unsubscribe: () => void
  readonly #metrics: RelayMetrics
  readonly #slot: { release(): void }
  readonly #heartbeatMs: number

  constructor(res: ServerResponse, options: EventStreamOptions) {
    this.#res = res
    this.#metrics = options.metrics
    this.#slot = options.slot
    this.#heartbeatMs = options.heartbeatMs
    this.maxBufferedBytes = options.maxBufferedBytes
    this.#held = options.lastEventId === undefined ? undefined : []
    this.#writer = createSseWriter(res, this)
    this.#unsubscribe = options.storage.subscribe(
      options.stream,
      (event) => {
        if (this.#held) this.#held.push(event)
        else this.#send(event)
      },
      (reason) => this.#reset(reason),
    )
  }

  get closed(): Promise<void> {
    if (this.#done) return Promise.resolve()
    if (!this.#closed) {
      let resolve!: () => void
      const promise = new Promise<void>((r) => (resolve = r))
      this.#closed = { promise, resolve }
    }
    return this.#closed.promise
  }

  start({ storage, stream, lastEventId, retryMs }: EventStreamOptions): void {
    const res = this.#res
    this.#metrics.streamOpened()
    onEnd(res, () => this.#finish())
    joinHeartbeat(this.#heartbeatMs, this)
    this.#writer.push(openingFrame(retryMs, this.#heartbeatMs))
    // A stream that starts live has nothing to read first.
    if (lastEventId === undefined) return
    void this.#replay(storage, stream, lastEventId).catch(() => {
      // The log could not be read (storage down): end the stream; the client reconnects and resumes.
      this.#finish()
      res.end()
    })
  }

  heartbeat(): void {
    this.#writer.push(heartbeatFrame)
  }

  /** The writer cut the reader off for not keeping up. */
  onSlow(): void {
    this.#finish()
  }

  end(retryMs: number): void {
    if (this.#done) return
    this.#writer.flush()
    this.#res.write(`retry: ${retryMs}\n\n`)
    this.#finish()
    this.#res.end()
  }

  #send(event: EventEnvelope): void {
    if (this.#lastSent !== undefined && !isNewer(event.id, this.#lastSent)) return
    this.#lastSent = event.id
    this.#writer.push(eventFrame(event))
    this.#metrics.eventDelivered()
  }

  /**
   * The storage lost events this stream may not have sent (Redis restarted empty): the client refetches history, and
   * the events that follow come from the new log, whose ids may be below the last one sent.
   */
  #reset(reason: string): void {
    if (this.#done) return
    this.#writer.push(resetFrame(reason))
    this.#lastSent = undefined
    // A replay under way reads the old log: what it or the held live events would still send comes before the reset.
    if (this.#held) {
      this.#held = []
      this.#replayCut = true
    }
  }

  #finish(): void {
    if (this.#done) return
    this.#done = true
    this.#writer.discard()
    leaveHeartbeat(this.#heartbeatMs, this)
    this.#unsubscribe()
    this.#metrics.streamClosed()
    this.#slot.release()
    this.#closed?.resolve()
  }

  async #replay(storage: EventStorage, stream: StreamKey, lastEventId: string): Promise<void> {
    await this.#replayLog(storage, stream, lastEventId)
    if (this.#done) return
    const pending = this.#held ?? []
    this.#held = undefined
    for (const event of pending) this.#send(event)
  }

  /** Sends the log after `after` a page at a time, until its end, a reset (the log's or the storage's), or the end. */
  async #replayLog(storage: EventStorage, stream: StreamKey, after: string): Promise<void> {
    const res = this.#res
    for (;;) {
      const page = await storage.read(stream, after, REPLAY_PAGE)
      if (this.#done || this.#replayCut) return
      if (page.reset) return this.#writer.push(resetFrame(page.reason))
      for (const event of page.events) {
        this.#send(event)
        // Memory storage answers a read at once: without waiting for the socket, a long gap would pile up in
        // Node's buffer, pass maxBufferedBytes and cut the reader off before it got a byte, on every retry.
        // So the replay writes about a socket buffer at a time and waits for the reader to take it.
        if (this.#writer.queuedBytes >= res.writableHighWaterMark) {
          this.#writer.flush()
          if (this.#writer.needsDrain) await this.#writer.drained()
        }
        if (this.#done || this.#replayCut) return
      }
      const last = page.events.at(-1)
      if (!last || page.events.length < REPLAY_PAGE) return
      after = last.id
    }
  }
}
