import { FlowErrorCode } from '@flowchat/core'
import { RelayLimits } from '@flowchat/core/protocol'
import { httpError } from './http-error.js'
import { exceedsJsonDepth } from './json-depth.js'

/** Headroom of an SSE reader's buffer over two whole frames: heartbeats, retry hints, `reset` frames. */
const READER_HEADROOM_BYTES = 16 * 1024

/**
 * The largest SSE frame an accepted event can make: its body is at most `bodyLimitBytes` once serialised (checked
 * at ingest), and the envelope and SSE fields add at most `RelayLimits.eventFrameOverheadBytes`.
 *
 * @example
 * maxEventFrameBytes(1024 * 1024) // 1056768
 */
export function maxEventFrameBytes(bodyLimitBytes: number): number {
  return bodyLimitBytes + RelayLimits.eventFrameOverheadBytes
}

/**
 * The least `maxBufferedBytes` that lets every accepted event through: one largest frame still in the socket while
 * the next is queued, plus headroom. Below it, one large event would cut every reader off on every reconnect.
 *
 * @example
 * minReaderBufferBytes(1024 * 1024) // 2129920
 */
export function minReaderBufferBytes(bodyLimitBytes: number): number {
  return 2 * maxEventFrameBytes(bodyLimitBytes) + READER_HEADROOM_BYTES
}

/**
 * Throws 400 `invalid_input` when JSON text (a webhook's bytes, a send's body, an upload's `query` field) nests
 * deeper than `RelayLimits.jsonDepth`. Checked before parsing, without recursion.
 *
 * @example
 * assertJsonDepth(rawBody) // throws for '[[[[…]]]]' past 64 levels
 */
export function assertJsonDepth(text: string | Uint8Array, path = '(root)'): void {
  if (exceedsJsonDepth(text, RelayLimits.jsonDepth)) {
    throw httpError(
      FlowErrorCode.invalid_input,
      `${path}: JSON nested more than ${String(RelayLimits.jsonDepth)} levels deep (the relay's JSON depth limit)`,
      { path },
    )
  }
}

/** How much larger than its source an envelope can serialise: numbers ×5.25 at most, plus the copied `type`. */
const MAX_GROWTH = 8

/** Bytes of a frame that are not its envelope: the `id:`, `event:` and `data:` field names and line ends. */
const SSE_FIELDS_BYTES = 1024

/**
 * The largest event envelope the relay stores: the body limit, plus what the relay adds (thread id, kind, type,
 * source, timestamp; a send's originator and traceId).
 *
 * @example
 * maxEventEnvelopeBytes(1024 * 1024) // 1055744
 */
export function maxEventEnvelopeBytes(bodyLimitBytes: number): number {
  return maxEventFrameBytes(bodyLimitBytes) - SSE_FIELDS_BYTES
}

/**
 * Throws 413 `payload_too_large` when an event envelope, serialised as readers will get it, is larger than
 * `maxEventEnvelopeBytes`. JSON can grow when re-serialised (`1e9` becomes `1000000000`) and a webhook's `type`
 * is copied into the envelope, so the request's size alone does not bound the frame. Given the source's size in
 * bytes, an envelope too small to matter is not serialised.
 *
 * @example
 * assertEventSize({ threadId, kind, type, receivedAt, source, body }, settings.bodyLimitBytes, raw.length)
 */
export function assertEventSize(envelope: unknown, bodyLimitBytes: number, sourceBytes?: number): void {
  const limit = maxEventEnvelopeBytes(bodyLimitBytes)
  // Re-serialised JSON grows at most ~5× (`1e20` → 21 digits) and a webhook's `type` is copied once: a source
  // this small cannot reach the limit, so the common small event skips serialising.
  if (sourceBytes !== undefined && sourceBytes * MAX_GROWTH + RelayLimits.eventFrameOverheadBytes <= limit)
    return
  const bytes = Buffer.byteLength(JSON.stringify(envelope) ?? '', 'utf8')
  if (bytes > limit) {
    throw httpError(
      FlowErrorCode.payload_too_large,
      `The event is ${String(bytes)} bytes once stored, over the relay's event limit of ${String(limit)} bytes (the body limit plus the envelope).`,
    )
  }
}
