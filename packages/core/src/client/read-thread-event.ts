import { readResponse, readShortText } from '../schemas/read-template.js'
import { isNumber, isRecord, isString, listOf as list, optional } from '../schemas/light-read.js'
import type { HistoryPage, Reply, ReplyMessage } from '../schemas/responses.js'
import type { Originator } from '../schemas/primitives.js'
import { isThreadId } from './relay-readers.js'

// The visitor's light reading of Flow.ai webhook bodies and history pages, without a schema library in the
// browser bundle. The relay validated them with the zod schemas (webhooks at ingest, history pages in its REST
// client), so these readers check, field by field, what the thread reducer and the UI use, and leave what nobody
// in the browser reads (a page's or reply's thread id, a channel name, an originator's metadata and full name) to
// that validation; times are read by `toEpochMs`, which takes anything. light-readers.test.ts holds them to
// `parseWebhookEvent` on every fixture.

type Json = Record<string, unknown>

/** A traceId: a 1–128 character string or a number, read as a string. */
const readTraceId = (v: unknown) => readShortText(v, 128)

/** A whole number, or a string of digits. */
function readInt(v: unknown): number | undefined {
  return isNumber(v) || (isString(v) && /^\d+$/.test(v)) ? Number(v) : undefined
}

const isOriginator = (v: unknown): v is Originator =>
  isRecord(v) &&
  optional(v.name, isString) &&
  optional(v.role, isString) &&
  optional(v.profile, (p) => isRecord(p) && optional(p.picture, isString))

function readMessage(v: unknown): ReplyMessage | undefined {
  if (
    !isRecord(v) ||
    !optional(v.fallback, (f) => f === null || isString(f)) ||
    !optional(v.meta, (m) => isRecord(m) && optional(m.msgId, isString))
  ) {
    return undefined
  }
  const responses = list(v.responses, readResponse)
  return responses && { ...v, responses }
}

/**
 * A reply (a `message` webhook's payload: originator, traceId, messages), or undefined when it does not fit.
 *
 * @example
 * readReply({ messages: [{ fallback: 'Hi', responses: [] }] })?.messages.length // 1
 */
export function readReply(v: unknown): Reply | undefined {
  if (!isRecord(v) || !optional(v.originator, isOriginator)) return undefined
  const traceId = v.traceId === undefined ? undefined : readTraceId(v.traceId)
  if (v.traceId !== undefined && traceId === undefined) return undefined
  const messages = list(v.messages, readMessage)
  return messages && { ...v, messages, ...(traceId === undefined ? {} : { traceId }) }
}

/**
 * A history page, or undefined when it does not fit.
 *
 * @example
 * readHistoryPage({ history: [], pages: '1' })?.pages // 1
 */
export function readHistoryPage(v: unknown): HistoryPage | undefined {
  if (!isRecord(v) || !Array.isArray(v.history)) return undefined
  const page = readInt(v.page)
  const pages = readInt(v.pages)
  if ((v.page !== undefined && page === undefined) || (v.pages !== undefined && pages === undefined))
    return undefined
  const history = list(v.history, (e) => {
    if (!isRecord(e) || !optional(e.originator, isOriginator)) return undefined
    const messages = list(e.messages, readMessage)
    return messages && { ...e, messages }
  })
  return (
    history && {
      ...v,
      history,
      ...(page === undefined ? {} : { page }),
      ...(pages === undefined ? {} : { pages }),
    }
  )
}

/** The webhook events the thread reducer folds, decoded. */
export type ThreadEvent =
  | { kind: 'reply' | 'inbound' | 'outbound'; traceId?: string; data: Reply }
  | { kind: 'delivered'; traceId?: string }
  | { kind: 'paused' | 'resumed' | 'handover' | 'takeover'; secondsToPause?: number }
  | { kind: 'botStatus'; isPaused: boolean }

/**
 * Reads a webhook body (either dialect, flat or `result`-wrapped, as `parseWebhookEvent` does) into the event
 * the thread reducer folds; undefined for kinds it ignores and for payloads that do not fit. `kind` is the
 * envelope's: the relay named it from the body's type when it stored the event, so the browser needs no table
 * of both dialects' type names.
 *
 * @example
 * readThreadEvent({ type: 'control.pause', payload: { threadId: 't1', secondsToPause: 60 } }, 'paused')
 * // { kind: 'paused', secondsToPause: 60 }
 */
export function readThreadEvent(body: unknown, kind: string): ThreadEvent | undefined {
  if (!isRecord(body) || !isString(body.type)) return undefined
  let payload: Json
  if (isRecord(body.payload)) payload = body.payload
  else {
    const { type: _type, payload: _payload, ...rest } = body
    payload = rest
  }
  if (isRecord(payload.result) && !('threadId' in payload && 'messages' in payload)) {
    payload = { ...payload.result, ...('threadId' in payload ? { threadId: payload.threadId } : {}) }
  }
  // Every kind folded names its thread the same way (a reply's reader asks it again).
  if (!optional(payload.threadId, isThreadId)) return undefined
  const traceId = readTraceId(payload.traceId ?? body.traceId)
  // The kinds of `EventKind`, as literals: the browser bundle needs no table of them.
  switch (kind) {
    case 'reply':
    case 'inbound':
    case 'outbound': {
      const data = readReply(payload)
      // One literal per shape, without a spread: this runs for every reply folded.
      return data && (traceId === undefined ? { kind, data } : { kind, traceId, data })
    }
    case 'delivered':
      return optional(payload.traceId, (t) => readTraceId(t) !== undefined)
        ? { kind, ...(traceId === undefined ? {} : { traceId }) }
        : undefined
    case 'paused':
    case 'resumed':
    case 'handover':
    case 'takeover': {
      const seconds = payload.secondsToPause
      if (!optional(seconds, isNumber)) return undefined
      return { kind, ...(seconds === undefined ? {} : { secondsToPause: seconds as number }) }
    }
    case 'botStatus': {
      const { isPaused, isPaued } = payload
      const isBool = (b: unknown) => typeof b === 'boolean'
      if (!optional(isPaused, isBool) || !optional(isPaued, isBool)) return undefined
      return { kind, isPaused: ((isPaused ?? isPaued) as boolean | undefined) ?? false }
    }
    default:
      return undefined
  }
}
