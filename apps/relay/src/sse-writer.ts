import { ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
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

/** The frames of one SSE response, queued and written together when the writers flush. */
export interface SseWriter {
  /** Queues a frame; checks the slow-reader bound with what is queued and what Node still holds. */
  push(frame: SseFrame): void
  /** Writes what is queued now, as one write. */
  flush(): void
  /** Bytes queued and not yet handed to the socket. */
  readonly queuedBytes: number
  /** True while the socket holds more than its high-water mark: wait for {@link SseWriter.drained} first. */
  readonly needsDrain: boolean
  /** Resolves when the socket has taken what it held (or the response closed). */
  drained(): Promise<void>
  /** Forgets what is queued (the response is gone or ending). */
  discard(): void
}

/**
 * A busy relay's flush waits this many times the CPU time the last flush took (see `flushDelay`): the relay then
 * spends at most about a fifth of its time writing, and the rest storing and answering webhooks whose events the
 * next flush carries together.
 */
const HOLD_FACTOR = 4

/** The longest a flush waits, whatever the last one took (a heartbeat to 10,000 idle streams). */
const MAX_HOLD_MS = 50

/**
 * Frames per write in the last flush from which holding pays: streams get events faster than they are flushed.
 * Below it (every event to its own streams, a heartbeat to all) a hold would add latency and save no write.
 */
const HOLD_FROM_FRAMES_PER_WRITE = 1.25

/** Writers with frames queued; one scheduled `flushAll` writes them all. */
let dirty: Writer[] = []
/** A flush is due at the end of this event-loop turn. */
let immediate = false
/** A held flush (see {@link flushDelay}). */
let held: ReturnType<typeof setTimeout> | undefined
let lastFlushEnd = 0
/**
 * CPU time of the last flush, not wall time: a process preempted mid-flush is not busier. (A flush of few writers
 * takes its wall time: see `CPU_TIMED_FROM_WRITERS`.)
 */
let lastFlushMs = 0
/** Frames per write in the last flush. */
let lastFramesPerWrite = 0

/**
 * How long the next flush waits, in ms, given the last one: the CPU time it took, how long ago it ended, and how
 * many frames its writes carried on average. After a flush under a millisecond (a quiet relay), or one whose writes
 * carried about one frame each (events that each go to their own streams, a heartbeat), none: it runs at the end
 * of this event-loop turn and latency is what it was. Otherwise until `HOLD_FACTOR` times that CPU time has passed
 * since it ended, at most `MAX_HOLD_MS`: meanwhile the webhooks that arrive are stored, answered and queued, and
 * each stream then gets their frames in one write. The socket write, not the event, is what costs (see
 * test/bench/findings.md): with 1,000 readers of 10 threads a write then carries about 10 events instead of 1.6,
 * and an event waits at most the hold longer.
 *
 * @example
 * flushDelay({ cpuMs: 5, sinceMs: 3, framesPerWrite: 1.6 }) // 17
 * flushDelay({ cpuMs: 5, sinceMs: 3, framesPerWrite: 1 }) // 0: write at the end of this turn
 */
export function flushDelay(last: { cpuMs: number; sinceMs: number; framesPerWrite: number }): number {
  if (last.cpuMs < 1 || last.framesPerWrite < HOLD_FROM_FRAMES_PER_WRITE) return 0
  const wait = Math.min(MAX_HOLD_MS, HOLD_FACTOR * last.cpuMs - last.sinceMs)
  return wait >= 1 ? wait : 0
}

/**
 * Schedules the flush of every dirty writer: held (see {@link flushDelay}) unless `now`, which a stream's first
 * write asks for: a stream that is opening waits for nobody's events, and holding its first bytes would only pile
 * up opening streams (and their memory) while the relay is busy.
 */
function schedule(now: boolean): void {
  if (immediate || (held !== undefined && !now)) return
  const wait = now
    ? 0
    : flushDelay({
        cpuMs: lastFlushMs,
        sinceMs: performance.now() - lastFlushEnd,
        framesPerWrite: lastFramesPerWrite,
      })
  if (wait > 0) {
    held = setTimeout(flushAll, wait)
    return
  }
  immediate = true
  setImmediate(flushAll)
}

/**
 * CPU time of the event-loop thread, ms. `process.threadCpuUsage` needs Node 22.15 or 23.9; the relay supports
 * 22.12, where the process's CPU time (GC and pool threads included) stands in for it.
 */
const cpuUsage: () => NodeJS.CpuUsage =
  typeof process.threadCpuUsage === 'function' ? () => process.threadCpuUsage() : () => process.cpuUsage()

function threadCpuMs(): number {
  const { user, system } = cpuUsage()
  return (user + system) / 1000
}

/**
 * Writers in a flush from which its thread CPU time is read. That read is a system call (7 µs per webhook at 1,000
 * POSTs/s with one reader each, a flush per POST); a smaller flush takes its wall time instead, which is never less
 * than its CPU time, so one under a millisecond is still never followed by a hold.
 */
const CPU_TIMED_FROM_WRITERS = 32

function flushAll(): void {
  const wallStart = performance.now()
  const cpuTimed = dirty.length >= CPU_TIMED_FROM_WRITERS
  const started = cpuTimed ? threadCpuMs() : 0
  immediate = false
  if (held !== undefined) {
    clearTimeout(held)
    held = undefined
  }
  const writers = dirty
  dirty = []
  let writes = 0
  let frames = 0
  for (const writer of writers) {
    const written = writer.flush()
    if (written > 0) {
      writes++
      frames += written
    }
  }
  lastFlushEnd = performance.now()
  lastFlushMs = cpuTimed ? threadCpuMs() - started : lastFlushEnd - wallStart
  lastFramesPerWrite = writes === 0 ? 0 : frames / writes
}

const CRLF = 0x0a0d // "\r\n" read as a little-endian uint16

/**
 * Frames as one HTTP/1.1 chunk (hex length, CRLF, the bytes, CRLF): the framing `ServerResponse.write` would add
 * around them, in one buffer, so the socket gets one write.
 */
function toChunk(frames: readonly SseFrame[], bytes: number): Buffer {
  const head = `${bytes.toString(16)}\r\n`
  const chunk = Buffer.allocUnsafe(head.length + bytes + 2)
  let at = chunk.write(head, 0, 'latin1')
  for (const frame of frames) at += frame.chunk.copy(chunk, at)
  chunk.writeUInt16LE(CRLF, at)
  return chunk
}

/** The chunk of a frame written alone, made once and shared by every stream that writes it alone. */
const chunks = new WeakMap<SseFrame, Buffer>()

function chunkOf(frame: SseFrame): Buffer {
  let chunk = chunks.get(frame)
  if (chunk === undefined) {
    chunk = toChunk([frame], frame.bytes)
    chunks.set(frame, chunk)
  }
  return chunk
}

/**
 * How a writer reaches its reader. The first write goes through the response (it puts the headers out). Then,
 * when the body is chunked and has no content encoding, `socket`: the writer frames chunks itself and writes them
 * to the socket, which skips the response's chunk header and trailer per write, its copy and its cork. Otherwise
 * (HTTP/1.0, HEAD, a `Content-Encoding` set on the response, a wrapper around its `write` such as a compressing
 * middleware) `response` for good: the response knows how to write those.
 */
type Path = 'first' | 'socket' | 'response'

class Writer implements SseWriter {
  #queue: SseFrame[] = []
  #queuedBytes = 0
  /** What Node held after the last write. Only the reader lowers it in between, so it never underestimates. */
  #held: number
  #dirty = false
  #gone = false
  #path: Path = 'first'
  readonly res: ServerResponse
  readonly options: SseWriterOptions

  constructor(res: ServerResponse, options: SseWriterOptions) {
    this.res = res
    this.options = options
    this.#held = res.writableLength
  }

  get queuedBytes(): number {
    return this.#queuedBytes
  }

  get needsDrain(): boolean {
    return this.#socket()?.writableNeedDrain ?? this.res.writableNeedDrain
  }

  drained(): Promise<void> {
    const target = this.#socket() ?? this.res
    return new Promise((resolve) => {
      const go = () => {
        target.off('drain', go)
        target.off('close', go)
        resolve()
      }
      target.on('drain', go)
      target.on('close', go)
    })
  }

  push(frame: SseFrame): void {
    if (this.#gone) return
    this.#queue.push(frame)
    this.#queuedBytes += frame.bytes
    const bound = this.options.maxBufferedBytes
    // Past the bound with what Node held at the last write: ask Node what it holds now before cutting off.
    if (this.#queuedBytes + this.#held > bound) {
      this.#held = this.res.writableLength
      if (this.#queuedBytes + this.#held > bound) {
        this.#cutOff()
        return
      }
    }
    if (!this.#dirty) {
      this.#dirty = true
      dirty.push(this)
      schedule(this.#path === 'first')
    }
  }

  /**
   * Writes what is queued; returns how many frames that was, 0 for the stream's first write (its opening frames
   * say nothing about events arriving faster than flushes).
   */
  flush(): number {
    this.#dirty = false
    if (this.#gone || this.#queue.length === 0) return 0
    const first = this.#path === 'first'
    const queue = this.#queue
    const bytes = this.#queuedBytes
    this.#queue = []
    this.#queuedBytes = 0
    const res = this.res
    const socket = this.#socket()
    if (socket) {
      // One frame (the usual case when quiet): the chunk every stream shares. Several: one copy into one chunk,
      // so it is still one write.
      socket.write(queue.length === 1 ? chunkOf(queue[0] as SseFrame) : toChunk(queue, bytes))
    } else {
      res.write(
        queue.length === 1
          ? (queue[0] as SseFrame).chunk
          : Buffer.concat(
              queue.map((f) => f.chunk),
              bytes,
            ),
      )
      if (first) {
        // Straight to the socket only when the response holds nothing back (it wrote headers and all to it).
        const direct =
          res.chunkedEncoding &&
          res.write === ServerResponse.prototype.write &&
          !res.hasHeader('content-encoding') &&
          res.socket !== null &&
          res.writableLength === res.socket.writableLength
        this.#path = direct ? 'socket' : 'response'
      }
    }
    // writableLength counts what Node holds because the socket would not take it: the reader is not keeping up.
    this.#held = res.writableLength
    if (this.#held > this.options.maxBufferedBytes) this.#cutOff()
    return first ? 0 : queue.length
  }

  discard(): void {
    this.#gone = true
    this.#queue = []
    this.#queuedBytes = 0
  }

  /** The socket to write chunks to, on that path and while the socket takes writes. */
  #socket(): Socket | undefined {
    if (this.#path !== 'socket') return undefined
    const socket = this.res.socket
    return socket !== null && socket.writable ? socket : undefined
  }

  #cutOff(): void {
    this.discard()
    this.res.destroy()
    this.options.onSlow()
  }
}

/**
 * Queues the frames bound for one SSE response and writes them together: those of one event-loop turn, or, while
 * the relay is busy writing, of a few times the CPU time of the last flush (see `flushDelay`), so a burst of
 * events costs the socket one write per reader instead of one per event. Order is kept: every frame of the
 * response goes through the queue. After the first write, a chunked response's chunks are framed here and written
 * to its socket; a frame sent alone to many readers is framed once for all of them.
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
