import type { EventEnvelope, SendAccepted, Session, StreamHello } from '../protocol/index.js'
import { isEventId } from '../protocol/event-id.js'
import { isNumber, isRecord, isString, optional } from '../schemas/light-read.js'
import { MAX_THREAD_ID_LENGTH } from '../schemas/limits.js'
import type { Opening } from './types.js'

// Light readers of the relay's answers for the visitor's client: the relay validated and normalised what it
// stores, so these check what the client relies on and refuse the rest, without a schema library in the
// browser bundle. light-readers.test.ts holds them to the zod schemas of the protocol on every fixture.

/** True for an object whose `keys` are strings. */
const strings = (v: unknown, ...keys: string[]): v is Record<string, unknown> =>
  isRecord(v) && keys.every((k) => isString(v[k]))

/**
 * The thread id rule of `threadIdSchema` (1–256 characters, no control characters or unpaired surrogates, not
 * `.` or `..`).
 *
 * @example
 * isThreadId('a|b') // true
 */
export function isThreadId(v: unknown): v is string {
  return (
    isString(v) &&
    v.length > 0 &&
    v.length <= MAX_THREAD_ID_LENGTH &&
    // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
    !/[\0-\x1f\x7f\p{Cs}]/u.test(v) &&
    v !== '.' &&
    v !== '..'
  )
}

const SOURCES: ReadonlySet<unknown> = new Set(['webhook', 'visitor', 'operator'])

/**
 * An SSE event's data as an envelope, or undefined when it is not one.
 *
 * @example
 * readEnvelope(JSON.parse(event.data))?.kind
 */
export function readEnvelope(v: unknown): EventEnvelope | undefined {
  return strings(v, 'id', 'kind', 'type', 'receivedAt') &&
    isEventId(v.id as string) &&
    (v.threadId === null || isString(v.threadId)) &&
    SOURCES.has(v.source) &&
    'body' in v
    ? (v as unknown as EventEnvelope)
    : undefined
}

/**
 * A `POST /v1/sessions` answer, or undefined.
 *
 * @example
 * readSession({ threadId: 't1', token: 'x', expiresAt: '2026-01-01T00:00:00Z' })?.threadId // 't1'
 */
export function readSession(v: unknown): Session | undefined {
  return strings(v, 'token', 'expiresAt') && isThreadId(v.threadId) ? (v as Session) : undefined
}

/**
 * A send answer (`202 { traceId, eventId? }`), or undefined.
 *
 * @example
 * readSendAccepted({ traceId: 'a', eventId: '5-0' })?.eventId // '5-0'
 */
export function readSendAccepted(v: unknown): SendAccepted | undefined {
  return strings(v, 'traceId') && (v.eventId === undefined || (isString(v.eventId) && isEventId(v.eventId)))
    ? (v as SendAccepted)
    : undefined
}

/**
 * The stream's `hello` frame data, or undefined.
 *
 * @example
 * readHello({ heartbeatMs: 15000 })?.heartbeatMs // 15000
 */
export function readHello(v: unknown): StreamHello | undefined {
  return isRecord(v) && isNumber(v.heartbeatMs) ? (v as StreamHello) : undefined
}

/**
 * The business hours answer, or undefined. The hours themselves are passed on as the relay read them (with the
 * protocol's schema, from Flow.ai): the client relies only on `open` and the next change. `open` may be missing:
 * a relay older than the reading of the hours on the relay answers the hours alone (see `Opening`).
 *
 * @example
 * readBusinessHours({ businessHours: [], open: true })?.open // true
 * readBusinessHours({ businessHours: [] })?.open // undefined (an older relay)
 */
export function readBusinessHours(v: unknown): Opening | undefined {
  return isRecord(v) &&
    Array.isArray(v.businessHours) &&
    optional(v.open, (o) => typeof o === 'boolean') &&
    optional(v.nextChangeAt, isString) &&
    optional(v.nextChangeInMs, isNumber)
    ? (v as Opening)
    : undefined
}
