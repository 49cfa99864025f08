import {
  botStatusRoute,
  handoverRoute,
  pauseRoute,
  resumeRoute,
  takeoverRoute,
  threadsRoute,
  triggerEventsRoute,
  triggerRoute,
} from '../protocol/operator-routes.js'
import type { RelayRoute, RouteInput, RouteOutput } from '../protocol/relay-route.js'
import { callRelay } from './relay-call.js'
import type { RelayHttp } from './relay-http.js'
import type { SessionManager } from './session-manager.js'
import type { OperatorApi } from './types.js'

/**
 * The operator routes of the relay (operator token), called through the protocol's route table. Each call waits
 * for the session first, so the first one made after sign-in already carries the token.
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
  async function call<R extends RelayRoute>(route: R, input: RouteInput<R>): Promise<RouteOutput<R>> {
    await session.ready()
    return callRelay(http, route, input)
  }
  const params = (threadId: string) => ({ params: { threadId } })
  return {
    threads: (page = 1) => call(threadsRoute, { query: { page } }),
    pause: async (threadId) => void (await call(pauseRoute, params(threadId))),
    resume: async (threadId) => void (await call(resumeRoute, params(threadId))),
    status: async (threadId) => {
      const { threadId: id, isPaused } = await call(botStatusRoute, params(threadId))
      return { threadId: id, isPaused }
    },
    handover: async (threadId, secondsToPause) =>
      void (await call(handoverRoute, {
        ...params(threadId),
        body: secondsToPause === undefined ? {} : { secondsToPause },
      })),
    takeover: async (threadId) => void (await call(takeoverRoute, params(threadId))),
    triggerEvents: async () => (await call(triggerEventsRoute, {})).items,
    trigger: async (threadId, eventName) =>
      void (await call(triggerRoute, { ...params(threadId), body: { eventName } })),
    markRead,
  }
}
