import * as z from 'zod/mini'
import { threadsPageSchema, triggerEventsSchema } from '../schemas/responses.js'
import type { RelayHttp } from './relay-http.js'
import type { SessionManager } from './session-manager.js'
import type { OperatorApi } from './types.js'

const statusSchema = z.looseObject({ threadId: z.string(), isPaused: z.boolean() })

/**
 * The operator routes of the relay (operator token). Each call waits for the session first, so the first one
 * made after sign-in already carries the token.
 *
 * @example
 * const api = createOperatorApi(http, session, (id) => markRead(id))
 * await api.pause('t1')
 */
export function createOperatorApi(
  http: RelayHttp,
  session: Pick<SessionManager, 'ready'>,
  markRead: (threadId: string) => void,
): OperatorApi {
  const thread = (threadId: string, rest = '') => `/v1/threads/${encodeURIComponent(threadId)}${rest}`
  const authed: Pick<RelayHttp, 'request'> = {
    async request(method, path, req) {
      await session.ready()
      return http.request(method, path, req)
    },
  }
  const request = authed.request.bind(authed)
  return {
    threads: (page = 1) => request('GET', '/v1/threads', { schema: threadsPageSchema, query: { page } }),
    pause: (threadId) => request('POST', thread(threadId, '/pause')),
    resume: (threadId) => request('DELETE', thread(threadId, '/pause')),
    status: (threadId) => request('GET', thread(threadId, '/status'), { schema: statusSchema }),
    handover: (threadId, secondsToPause) =>
      request('POST', thread(threadId, '/handover'), {
        body: secondsToPause === undefined ? {} : { secondsToPause },
      }),
    takeover: (threadId) => request('POST', thread(threadId, '/takeover')),
    triggerEvents: async () =>
      (await request('GET', '/v1/trigger-events', { schema: triggerEventsSchema })).items,
    trigger: (threadId, eventName) => request('POST', thread(threadId, '/trigger'), { body: { eventName } }),
    markRead,
  }
}
