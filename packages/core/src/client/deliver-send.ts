import { routePath } from '../protocol/relay-route.js'
import { uploadMessage } from './post-message.js'
import { callRoute } from './relay-call.js'
import type { RelayHttp } from './relay-http.js'
import type { SessionManager } from './session-manager.js'
import { sendMessage } from './visitor-routes.js'

/** A file to upload with a send; it lives in this page's memory only. */
export interface HeldFile {
  readonly file: Blob
  readonly filename?: string
}

/** Posts one send to the relay; rejects with a `FlowError` (the relay's code and status) when it is refused. */
export type DeliverSend = (
  send: { traceId: string; body: Record<string, unknown>; file?: HeldFile },
  onProgress: (fraction: number) => void,
) => Promise<void>

/**
 * The one way a send reaches `POST /v1/threads/:id/messages`: a JSON body, or, with a file, multipart with the
 * JSON as its `query` part (progress reported). The session is awaited first, so a refreshed token is used.
 *
 * @example
 * const deliver = createDeliverSend({ http, session, threadId: 't1', fetch })
 * await deliver({ traceId, body }, () => undefined)
 */
export function createDeliverSend(options: {
  http: RelayHttp
  session: SessionManager
  threadId: string
  fetch: typeof fetch
}): DeliverSend {
  const { http, session, threadId } = options
  return async ({ body, file }, onProgress) => {
    await session.ready()
    if (!file) {
      await callRoute(http, sendMessage, { params: { threadId }, body: body as never })
      return
    }
    // The held file and its name.
    await uploadMessage({
      ...file,
      fetch: options.fetch,
      url: http.url(routePath(sendMessage, { threadId })),
      token: session.token(),
      query: body,
      onProgress,
    })
  }
}
