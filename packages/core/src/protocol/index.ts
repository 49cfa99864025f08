/**
 * `@flowchat/core/protocol`: the relay's HTTP API as one executable contract (docs/relay-protocol.md): the route
 * table, the event envelope and kinds, the event-id format and its comparison, the error body and the limits.
 * zod/mini only, no I/O.
 */
export { compareEventIds, EVENT_ID_PATTERN, EVENT_ID_RULE, isEventId, parseEventId } from './event-id.js'
export { EnvelopeKind, EventOrigin, RESET_EVENT } from './envelope.js'
export { relayErrorBodySchema } from './error-body.js'
export { RelayLimits } from './limits.js'
export { emptyAnswerSchema, eventIdSchema, pageQuery, threadParams } from './fields.js'
export { defineRoute, RouteAuth, routePath, successAnswer } from './relay-route.js'
export { createOperatorSessionRoute, createSessionRoute, sessionBodySchema } from './session-routes.js'
export { operatorSessionSchema, sessionSchema } from './session.js'
export {
  allEventsRoute,
  envelopeSchema,
  streamHeadersSchema,
  streamHelloSchema,
  streamQuerySchema,
  threadEventsRoute,
} from './stream-routes.js'
export { sendAcceptedSchema } from './send-accepted.js'
export { sendMessageBodySchema, uploadQuerySchema } from './send-message-body.js'
export {
  businessHoursAnswerSchema,
  businessHoursRoute,
  historyRoute,
  sendMessageRoute,
} from './thread-routes.js'
export {
  botStatusAnswerSchema,
  botStatusRoute,
  handoverBodySchema,
  handoverRoute,
  pauseRoute,
  resumeRoute,
  takeoverRoute,
  threadsRoute,
  triggerBodySchema,
  triggerEventsRoute,
  triggerRoute,
} from './operator-routes.js'
export {
  healthRoute,
  metricsRoute,
  openApiRoute,
  readyRoute,
  statusAnswerSchema,
  webhookBodySchema,
  webhookParams,
  webhookProbeRoute,
  webhookRoute,
  webhookStoredSchema,
} from './operations-routes.js'
export { relayRoutes } from './relay-routes.js'

export type { EventEnvelope } from './envelope.js'
export type { RelayErrorBody } from './error-body.js'
export type { RelayMethod, RelayRoute, RouteAnswer, RouteInput, RouteOutput } from './relay-route.js'
export type { OperatorSession, Session } from './session.js'
export type { SendAccepted } from './send-accepted.js'
export type { BusinessHoursAnswer } from './thread-routes.js'
export type { SendMessageBody, UploadQuery } from './send-message-body.js'
export * from './heartbeat.js'
