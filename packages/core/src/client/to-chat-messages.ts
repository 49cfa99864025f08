import type { EventEnvelope } from '../protocol/index.js'
import { readTemplate as decodeTemplate } from '../schemas/read-template.js'
import type { HistoryPage, Reply, ReplyMessage } from '../schemas/responses.js'
import type { Response } from '../schemas/templates.js'
import type { Originator } from '../schemas/primitives.js'
import type { Template } from '../schemas/templates.js'
import { derivedMessageId } from './message-id.js'
import type { ChatMessage, Sender } from './types.js'
import { toEpochMs } from '../schemas/epoch-ms.js'
import { isRecord } from '../schemas/light-read.js'

/** A message read from the wire, before it is merged into a thread's list. */
export interface IncomingMessage {
  readonly message: ChatMessage
  /** Merge into the message of this id (an own send's traceId) when it exists, instead of adding one. */
  readonly echoOf?: string
  /** Read from a history page: may match an own message that has no history id yet. */
  readonly fromHistory?: boolean
}

/** Who an originator is: role `moderator` (or `agent`) is a human agent, `external`/`user` the visitor. */
export function senderOf(role: string | undefined): Sender {
  if (role === 'moderator' || role === 'agent') return 'agent'
  if (role === 'external' || role === 'user' || role === 'visitor') return 'visitor'
  return 'bot'
}

export { toEpochMs }

/** A message being built: optional fields are set only when present. */
type Draft = { -readonly [K in keyof ChatMessage]: ChatMessage[K] }

/** The message with its sender's name and avatar when the originator has them (no temporaries to spread). */
export function withWho(
  message: Draft,
  originator: Pick<Originator, 'name' | 'profile'> | undefined,
): ChatMessage {
  if (originator?.name) message.senderName = originator.name
  if (originator?.profile?.picture) message.avatarUrl = originator.profile.picture
  return message
}

/** What an event shows: its label (what the visitor clicked) when it has a non-empty one, else its name. */
function eventText(payload: Record<string, unknown>): string | undefined {
  if (typeof payload.label === 'string' && payload.label !== '') return payload.label
  return typeof payload.eventName === 'string' ? payload.eventName : undefined
}

/** A text template showing `text`, or else `response` read as it is. */
const textOr = (text: string | undefined, response: Response): Template =>
  text === undefined ? decodeTemplate(response) : { type: 'text', payload: { text } }

/**
 * The template of one response. A visitor's event comes back (from history, or echoed by Flow.ai) as an `event`
 * response: it shows `label ?? eventName` (the relay puts the label back on history it remembers), as the tab
 * that sent it and the `sent` echo in other tabs do.
 */
const templateOf = (response: Response): Template =>
  textOr(
    response.type === 'event' && isRecord(response.payload) ? eventText(response.payload) : undefined,
    response,
  )

function fromReplyMessage(
  part: ReplyMessage,
  index: number,
  originator: Originator | undefined,
  turnTime: number,
  self: Sender,
  traceId?: string,
): ChatMessage {
  const createdAt = toEpochMs(part.meta?.createdAt) ?? toEpochMs(part.createdAt) ?? turnTime
  const sender = senderOf(originator?.role)
  const id =
    part.meta?.msgId ??
    derivedMessageId(`${originator?.role ?? ''}:${originator?.name ?? ''}`, createdAt, index)
  const message: Draft = {
    id,
    sender,
    createdAt,
    templates: part.responses.map(templateOf),
    own: sender === self,
  }
  if (part.fallback) message.fallback = part.fallback
  if (traceId !== undefined) message.traceId = traceId
  return withWho(message, originator)
}

/**
 * The messages of a reply (a `reply`, `inbound` or `outbound` event). A visitor's or agent's message that
 * carries a traceId is the echo of a send: it merges into the message of that traceId.
 */
export function messagesFromReply(reply: Reply, receivedAt: number, self: Sender): IncomingMessage[] {
  const turnTime = toEpochMs(reply.createdAt) ?? receivedAt
  const traceId = reply.traceId
  return reply.messages.map((part, index) => {
    const message = fromReplyMessage(part, index, reply.originator, turnTime, self, traceId)
    const echo = message.sender !== 'bot' && traceId !== undefined && index === 0
    if (!echo) return { message }
    return { message: message.own ? { ...message, state: 'sent' as const } : message, echoOf: traceId }
  })
}

/**
 * Every message of a history page, oldest first, marked as read from history. A message the relay paired with
 * its send carries the send's traceId (`meta.traceId`) and merges as a record of that send, so it and the send's
 * echo are one message, named by the traceId, in whatever order they come (alone, it keeps Flow.ai's id).
 */
export function messagesFromHistory(page: HistoryPage, self: Sender): IncomingMessage[] {
  const out: IncomingMessage[] = []
  let previous = 0
  for (const entry of page.history) {
    for (const [index, part] of entry.messages.entries()) {
      // Entries without times keep their place after the one before them.
      const message = fromReplyMessage(
        part,
        index,
        entry.originator,
        previous,
        self,
        str(part.meta?.traceId) || undefined,
      )
      previous = message.createdAt
      out.push({
        message: message.own ? { ...message, state: 'delivered' } : message,
        // Only the visitor's or an agent's message is the record of a send (as in a reply): a bot's must never
        // merge into the send it answers.
        echoOf: message.sender === 'bot' ? undefined : message.traceId,
        fromHistory: true,
      })
    }
  }
  return out
}

/** A string or a number as a string, else empty. */
const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '')

/** What a sent payload shows in the transcript: a text or an event as text, media by its media type. */
export function templatesOfPayload(payload: Record<string, unknown>): Template[] {
  const type = payload.type
  const text =
    type === 'text'
      ? str(payload.speech ?? payload.text)
      : type === 'event'
        ? (eventText(payload) ?? str(payload.eventName))
        : undefined
  return [textOr(text, { type: type === 'media' ? str(payload.mediaType) || 'file' : str(type), payload })]
}

/**
 * The message of a `sent` envelope: the send as the relay passed it to Flow.ai. Its id is the traceId, so the
 * optimistic message of the tab that sent it and the echo in every other tab are one message.
 */
export function messageFromSent(envelope: EventEnvelope, self: Sender): IncomingMessage | undefined {
  const body = envelope.body
  const payload = isRecord(body) && isRecord(body.payload) ? body.payload : undefined
  if (!payload) return undefined
  // The relay checked the send (a traceId of 1–128 characters, or none).
  const traceId = str(payload.traceId) || envelope.id
  const originator = isRecord(payload.originator) ? (payload.originator as Originator) : undefined
  const sender = senderOf(originator?.role ?? (envelope.source === 'operator' ? 'moderator' : 'external'))
  // An upload's bytes went to Flow.ai, not into the event: the title (or media type) stands in for it.
  const upload = payload.type === 'media' && typeof payload.url !== 'string'
  const message = withWho(
    {
      id: traceId,
      sender,
      fallback: upload ? (typeof payload.title === 'string' ? payload.title : 'file') : undefined,
      createdAt: toEpochMs(envelope.receivedAt) ?? 0,
      templates: templatesOfPayload(payload),
      own: sender === self,
      traceId,
      state: sender === self ? 'sent' : undefined,
    },
    originator,
  )
  return { message, echoOf: traceId }
}
