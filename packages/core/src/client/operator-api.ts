import * as z from 'zod/mini'
import { threadsPageSchema, triggerEventsSchema } from '../schemas/responses.js'
import type { RelayHttp } from './relay-http.js'
import type { OperatorApi } from './types.js'

const statusSchema = z.looseObject({ threadId: z.string(), isPaused: z.boolean() })

/**
 * The operator routes of the relay (operator token).
 *
 * @example
 * const api = createOperatorApi(http, (id) => markRead(id))
 * await api.pause('t1')
 */
export function createOperatorApi(http: RelayHttp, markRead: (threadId: string) => void): OperatorApi {
  const thread = (threadId: string, rest = '') => `/v1/threads/${encodeURIComponent(threadId)}${rest}`
  return {
    threads: (page = 1) => http.request('GET', '/v1/threads', { schema: threadsPageSchema, query: { page } }),
    pause: (threadId) => http.request('POST', thread(threadId, '/pause')),
    resume: (threadId) => http.request('DELETE', thread(threadId, '/pause')),
    status: (threadId) => http.request('GET', thread(threadId, '/status'), { schema: statusSchema }),
    handover: (threadId, secondsToPause) =>
      http.request('POST', thread(threadId, '/handover'), {
        body: secondsToPause === undefined ? {} : { secondsToPause },
      }),
    takeover: (threadId) => http.request('POST', thread(threadId, '/takeover')),
    triggerEvents: async () =>
      (await http.request('GET', '/v1/trigger-events', { schema: triggerEventsSchema })).items,
    trigger: (threadId, eventName) =>
      http.request('POST', thread(threadId, '/trigger'), { body: { eventName } }),
    markRead,
  }
}
