import { MAX_COORDINATE_LENGTH, MAX_TEXT_LENGTH } from '../schemas/limits.js'
import { mediaTypeOf } from '../schemas/message-types.js'
import { readCoordinate } from '../schemas/read-template.js'
import type { Profile } from '../schemas/primitives.js'
import { templatesOfPayload, withWho } from './to-chat-messages.js'
import type { ChatMessage, SendInput, Sender } from './types.js'

/**
 * An own message waiting to go: the shape a send, a send restored from the outbox and an invalid send share.
 *
 * @example
 * store.dispatch({ type: 'send/queued', message: pendingMessage(traceId, 'visitor', Date.now()) })
 */
export const pendingMessage = (
  traceId: string,
  sender: Sender,
  createdAt: number,
  templates: ChatMessage['templates'] = [],
): ChatMessage => ({ id: traceId, traceId, sender, own: true, state: 'pending', createdAt, templates })

/** A send ready to go: the relay's JSON body, the optimistic message, and for an upload the file. */
export interface BuiltSend {
  readonly body: Record<string, unknown>
  readonly message: ChatMessage
  readonly upload?: { readonly file: Blob; readonly filename?: string }
}

/**
 * Turns what `send` takes into the relay's body (`POST /v1/threads/:id/messages`) and the optimistic message,
 * validated with the same rules Flow.ai applies (text 1–255 characters, …). Returns the error text when invalid.
 *
 * @example
 * const built = buildSend({ type: 'text', text: 'Hi' }, { traceId, now: Date.now(), self: 'visitor' })
 */
export function buildSend(
  input: SendInput,
  context: { traceId: string; now: number; self: Sender; visitor?: { name?: string; profile?: Profile } },
): BuiltSend | { error: string } {
  const { traceId, now, self, visitor } = context
  // Optional fields may be undefined: JSON leaves them out of the body, the merge out of the message.
  let body: Record<string, unknown>
  let upload: BuiltSend['upload']
  // `?.`: null (or no input) is refused below like an unknown type, instead of throwing a TypeError.
  switch (input?.type) {
    case 'text':
      body = { type: 'text', text: input.text }
      break
    case 'event':
      body = { type: 'event', eventName: input.eventName, label: input.label?.trim() || undefined }
      break
    case 'location':
      body = { type: 'location', title: input.title }
      // String() would send NaN as "NaN": a coordinate is read as the REST client's schema reads it.
      for (const field of ['lat', 'long'] as const) {
        body[field] = readCoordinate(input[field])
        if (!body[field]) {
          return { error: `${field}: must be a finite number or 1 to ${MAX_COORDINATE_LENGTH} characters` }
        }
      }
      break
    case 'media':
      body = {
        type: 'media',
        mediaType: input.mediaType,
        url: input.url,
        mimeType: input.mimeType,
        title: input.title,
      }
      break
    case 'upload': {
      const file = input.file as Blob | undefined
      if (!file || typeof file.size !== 'number') return { error: 'file: must be a Blob or File' }
      const mime = file.type || 'application/octet-stream'
      body = {
        type: 'media',
        mediaType: input.mediaType ?? mediaTypeOf(mime),
        mimeType: mime,
        title: input.title ?? input.filename ?? (file as { name?: string }).name,
      }
      upload = { file, filename: input.filename }
      break
    }
    default:
      return { error: `type: must be one of text, event, location, media, upload` }
  }
  if (input.params !== undefined) {
    // What JSON cannot hold (a BigInt, a cycle) could never be posted, nor kept in the outbox: refused here, or
    // every attempt would fail alike and be retried as a network error.
    try {
      JSON.stringify(input.params)
    } catch (error) {
      return { error: `params: ${(error as Error).message}` }
    }
    body.params = input.params
  }
  body.traceId = traceId
  if (visitor?.name || visitor?.profile)
    body.originator = { name: visitor.name || undefined, profile: visitor.profile }

  // What a visitor can get wrong is checked here, for an error without a round trip. The relay validates every
  // send with the full request schemas and answers 400 naming the field; repeating those schemas here would add
  // 0.9 KB gzip to the widget for errors only a programming mistake can cause.
  const problem = checkSend(body)
  if (problem) return { error: problem }

  const title = typeof body.title === 'string' ? body.title : undefined
  // The visitor's name and avatar as a message from the relay shows them.
  const message = withWho(
    {
      ...pendingMessage(
        traceId,
        self,
        now,
        // An event shows its label when it has one (the relay passes it to other tabs and history), else its name.
        upload
          ? [{ type: body.mediaType as 'file', payload: { url: localUrl(upload.file), title: title ?? '' } }]
          : templatesOfPayload(body),
      ),
      fallback: upload && title,
      progress: upload ? 0 : undefined,
    },
    visitor,
  )
  return { body, message, upload }
}

/**
 * The rules of Flow.ai a person (or a browser's position) can break from a chat UI: empty or over-long text or
 * label, an empty event name, a coordinate that is not one.
 */
function checkSend(body: Record<string, unknown>): string | undefined {
  const nonEmpty = (field: string, max: number) => {
    const value = body[field]
    if (typeof value !== 'string' || value.length === 0) return `${field}: must not be empty`
    if (value.length > max) return `${field}: must be at most ${max} characters`
    return undefined
  }
  if (body.type === 'text') return nonEmpty('text', MAX_TEXT_LENGTH)
  if (body.type === 'event') {
    return (
      nonEmpty('eventName', 255) ??
      (body.label === undefined ? undefined : nonEmpty('label', MAX_TEXT_LENGTH))
    )
  }
  return undefined
}

/** A `blob:` URL to preview the file being sent, where the runtime can render one (browsers); else empty. */
function localUrl(file: Blob): string {
  const canPreview = typeof document !== 'undefined' && typeof URL.createObjectURL === 'function'
  return canPreview ? URL.createObjectURL(file) : ''
}
