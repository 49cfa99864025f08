import { MAX_COORDINATE_LENGTH, MAX_TEXT_LENGTH, MAX_THREAD_ID_LENGTH } from '../schemas/limits.js'

/**
 * The relay protocol's bounds, in one place: validation, the OpenAPI document and the relay's defaults read
 * them from here.
 *
 * @example
 * if (text.length > RelayLimits.textLength) throw new Error('too long')
 */
export const RelayLimits = {
  /** Characters of a text message (Flow.ai's limit). */
  textLength: MAX_TEXT_LENGTH,
  /** Characters of a thread id. */
  threadIdLength: MAX_THREAD_ID_LENGTH,
  /** Characters of a client-given traceId. */
  traceIdLength: 128,
  /** Characters of a display name (visitor, operator, originator). */
  nameLength: 200,
  /** Characters of an event name (event messages, triggers). */
  eventNameLength: 255,
  /** Characters of a media URL. */
  urlLength: 2048,
  /** Characters of a title or MIME type. */
  titleLength: 255,
  /** Characters of a language tag. */
  langLength: 35,
  /** Characters of a coordinate given as a string. */
  coordinateLength: MAX_COORDINATE_LENGTH,
  /** Highest history or threads page asked for. */
  maxPage: 100_000,
  /** Default bound of JSON and webhook bodies, bytes (the relay's `bodyLimitBytes`). */
  bodyBytes: 1024 * 1024,
  /** The highest `bodyLimitBytes` a relay takes, bytes: with `eventFrameOverheadBytes`, the largest frame there is. */
  maxBodyBytes: 100 * 1024 * 1024,
  /**
   * Deepest nesting of arrays and objects in a JSON body the relay accepts (webhooks, sends, a send's `params`):
   * deeper bodies are answered 400, because serialising them for readers could overflow the stack.
   */
  jsonDepth: 64,
  /**
   * Bytes an event's SSE frame adds to its body (`id:`/`event:` lines, the envelope's thread id, kind, type,
   * source and timestamp): a frame is at most the body limit plus this.
   */
  eventFrameOverheadBytes: 8 * 1024,
  /** Default bound of multipart uploads, bytes (the relay's `uploadLimitBytes`). */
  uploadBytes: 25 * 1024 * 1024,
} as const
