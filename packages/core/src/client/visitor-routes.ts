import type {
  BusinessHoursAnswer,
  businessHoursRoute,
  historyRoute,
  sendMessageRoute,
} from '../protocol/thread-routes.js'
import type { createSessionRoute } from '../protocol/session-routes.js'
import type { threadEventsRoute } from '../protocol/stream-routes.js'
import { readHistoryPage } from './read-thread-event.js'
import { readBusinessHours, readSendAccepted, readSession } from './relay-readers.js'
import { routeRef } from './relay-call.js'

// The routes of the protocol's table the visitor's client calls, by reference: method and path are checked
// against the table by the compiler, types derive from it, answers are read by the light readers (no zod in
// the browser bundle). light-readers.test.ts checks each against the table at run time as well.

/** `POST /v1/sessions`. */
export const createSession = routeRef<typeof createSessionRoute>('POST', '/v1/sessions', readSession)
/** `POST /v1/threads/{threadId}/messages` (JSON). */
export const sendMessage = routeRef<typeof sendMessageRoute>(
  'POST',
  '/v1/threads/{threadId}/messages',
  readSendAccepted,
)
/** `GET /v1/threads/{threadId}/messages?page=`. */
export const loadHistory = routeRef<typeof historyRoute>(
  'GET',
  '/v1/threads/{threadId}/messages',
  readHistoryPage,
)
/**
 * `GET /v1/business-hours`. Its reader also takes an older relay's answer, without `open`: the client gives it as
 * an `Opening` (whose `open` is optional), never as the table's type.
 */
export const loadBusinessHours = routeRef<typeof businessHoursRoute>(
  'GET',
  '/v1/business-hours',
  readBusinessHours as (v: unknown) => BusinessHoursAnswer | undefined,
)
/** `GET /v1/threads/{threadId}/events` (the SSE stream; its frames are read by `relay-readers`). */
export const threadEvents = routeRef<typeof threadEventsRoute>('GET', '/v1/threads/{threadId}/events')
