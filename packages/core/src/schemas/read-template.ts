import type { Button, QuickReply, Response, Template } from './templates.js'
import { isNumber, isRecord, isString, listOf, optional } from './light-read.js'
import { MAX_COORDINATE_LENGTH } from './limits.js'

// The visitor's read path without a schema library: the relay validated and normalised what it stored, so these
// guards check exactly what a chat UI relies on and fall back safely. They accept every reply the zod schemas in
// templates.ts accept (client/light-readers.test.ts holds them to it); anything else becomes `other`, whose fallback
// text the UI shows. Rendering stays escaped (Lit) and links allow-listed whatever passes here.

type Json = Record<string, unknown>

const arrayOf = (v: unknown, check: (v: unknown) => boolean): v is unknown[] =>
  Array.isArray(v) && v.every(check)

const isButton = (v: unknown): v is Button =>
  isRecord(v) &&
  isString(v.type) &&
  isString(v.label) &&
  optional(v.value, isString) &&
  optional(v.id, isString)
const isButtons = (v: unknown) => arrayOf(v, isButton)
const isMediaRef = (v: unknown) => isRecord(v) && isString(v.url) && optional(v.type, isString)
const isItem = (v: unknown) =>
  isRecord(v) &&
  optional(v.title, isString) &&
  optional(v.subtitle, isString) &&
  optional(v.media, isMediaRef) &&
  optional(v.buttons, isButtons)
/**
 * A string of 1 to `max` characters or a number, read as a string (a coordinate, a traceId); else undefined.
 *
 * @example
 * readShortText(52.1, 64) // '52.1'
 */
export const readShortText = (v: unknown, max: number): string | undefined =>
  (isString(v) && v.length > 0 && v.length <= max) || isNumber(v) ? String(v) : undefined

/**
 * A coordinate as a string, by `coordinateSchema`'s rule (a finite number, or 1 to 64 characters); else undefined.
 *
 * @example
 * readCoordinate(52.37) // '52.37'
 * readCoordinate(NaN)   // undefined
 */
export const readCoordinate = (v: unknown): string | undefined => readShortText(v, MAX_COORDINATE_LENGTH)

const readQuickReply = (v: unknown): QuickReply | undefined =>
  isRecord(v) && isString(v.label) && optional(v.value, isString) && optional(v.type, isString)
    ? {
        ...(v as QuickReply),
        value: (v.value as string | undefined) ?? v.label,
        type: (v.type as string) ?? 'text',
      }
    : undefined

const readMedia = (p: Json) =>
  isString(p.url) &&
  optional(p.title, isString) &&
  optional(p.thumbnailUrl, isString) &&
  optional(p.duration, isNumber)
    ? p
    : undefined

/**
 * Each known type's payload reader: the payload as the UI may use it, or undefined when it does not fit. `media`
 * is a kind of send, never a template type.
 */
const payloadReaders: Record<string, (p: Json) => unknown> = {
  text(p) {
    if (!isString(p.text)) return undefined
    if (p.quickReplies === undefined) return p
    const quickReplies = listOf(p.quickReplies, readQuickReply)
    return quickReplies && { ...p, quickReplies }
  },
  image: readMedia,
  video: readMedia,
  audio: readMedia,
  file: readMedia,
  location(p) {
    const lat = readCoordinate(p.lat)
    const long = readCoordinate(p.long)
    return lat && long && optional(p.title, isString) ? { ...p, lat, long } : undefined
  },
  card: (p) => (isItem(p) ? p : undefined),
  buttons: (p) => (optional(p.title, isString) && isButtons(p.buttons) ? p : undefined),
  carousel: (p) => (arrayOf(p.cards, isItem) ? p : undefined),
  list: (p) =>
    arrayOf(p.items, (i) => isItem(i) && optional((i as Json).featured, (f) => typeof f === 'boolean')) &&
    optional(p.buttons, isButtons)
      ? p
      : undefined,
}

/**
 * One reply template as it arrives (`{ type, payload, delay }`), or undefined when it has no string `type`.
 *
 * @example
 * readResponse({ type: 'text', payload: { text: 'Hi' }, delay: '500' })?.delay // 500
 */
export function readResponse(v: unknown): Response | undefined {
  if (!isRecord(v) || !isString(v.type)) return undefined
  // A response without a delay is taken as it is, not copied: this runs for every event folded.
  if (!('delay' in v)) return v as Response
  const { delay: given, ...rest } = v
  // A delay in ms: a number or a numeric string; anything else is dropped rather than failing the reply.
  const delay = isString(given) && given.trim() !== '' ? Number(given) : given
  return { ...(rest as Response), ...(isNumber(delay) && delay >= 0 ? { delay } : {}) }
}

/**
 * Reads one response into a typed template, as `decodeTemplate` does but without a schema library. Never
 * throws: an unknown type, or a known type whose payload does not fit, becomes `{ type: 'other' }`, so the UI
 * shows the message's fallback text.
 *
 * @example
 * readTemplate({ type: 'text', payload: { text: 'Hi' } }) // { type: 'text', payload: { text: 'Hi' } }
 * readTemplate({ type: 'webview', payload: {} }).type      // 'other'
 */
export function readTemplate(response: Response): Template {
  const { type, delay } = response
  // Own keys only: a type such as `constructor` is unknown.
  const read = Object.hasOwn(payloadReaders, type) ? payloadReaders[type] : undefined
  const payload = read && isRecord(response.payload) ? read(response.payload) : undefined
  if (payload === undefined) {
    const reason = read ? 'payload does not fit its type' : 'unsupported type'
    return {
      type: 'other',
      originalType: type,
      payload: response.payload,
      reason,
      ...(delay === undefined ? {} : { delay }),
    }
  }
  // One literal per shape, without a spread: this runs for every template folded.
  return (delay === undefined ? { type, payload } : { type, payload, delay }) as Template
}
