import {
  botStatusRoute,
  handoverRoute,
  pauseRoute,
  resumeRoute,
  takeoverRoute,
  threadsRoute,
  triggerEventsRoute,
  triggerRoute,
} from './operator-routes.js'
import {
  healthRoute,
  metricsRoute,
  openApiRoute,
  readyRoute,
  webhookProbeRoute,
  webhookRoute,
} from './operations-routes.js'
import type { RelayRoute } from './relay-route.js'
import { createOperatorSessionRoute, createSessionRoute } from './session-routes.js'
import { allEventsRoute, threadEventsRoute } from './stream-routes.js'
import { businessHoursRoute, historyRoute, sendMessageRoute } from './thread-routes.js'

/**
 * Every route of the relay: the relay registers and validates these, `/openapi.json` is generated from them,
 * and the client calls through them. A route the relay serves that is not here is a bug (a test checks).
 *
 * @example
 * for (const route of relayRoutes) console.log(route.method, route.path)
 */
export const relayRoutes = [
  createSessionRoute,
  createOperatorSessionRoute,
  threadEventsRoute,
  allEventsRoute,
  sendMessageRoute,
  historyRoute,
  businessHoursRoute,
  threadsRoute,
  pauseRoute,
  resumeRoute,
  botStatusRoute,
  handoverRoute,
  takeoverRoute,
  triggerEventsRoute,
  triggerRoute,
  webhookRoute,
  webhookProbeRoute,
  healthRoute,
  readyRoute,
  metricsRoute,
  openApiRoute,
] as const satisfies readonly RelayRoute[]
