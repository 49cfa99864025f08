/**
 * `@flowchat/core/schemas`: the Flow.ai REST API v1 wire format as zod/mini schemas, both dialects.
 * A leaf: zod only, no I/O. Tolerant reader (every documented variant, extra fields kept), strict writer.
 */
export {
  MAX_TEXT_LENGTH,
  MAX_THREAD_ID_LENGTH,
  SenderRole,
  coordinateSchema,
  looseIntSchema,
  originatorSchema,
  profileSchema,
  sendOriginatorSchema,
  threadIdSchema,
  traceIdSchema,
} from './primitives.js'
export { formatPath, safeParse } from './parse.js'
export {
  MediaType,
  MessageType,
  encodeMessage,
  handoverRequestSchema,
  mediaTypeOf,
  messagePayloadSchema,
  messageRequestSchema,
} from './requests.js'
export {
  ackSchema,
  botStatusResponseSchema,
  businessHoursResponseSchema,
  businessHoursSchema,
  errorBodySchema,
  historyEntrySchema,
  historyPageSchema,
  historyResponseSchema,
  replyMessageSchema,
  replySchema,
  threadCreatedSchema,
  threadsPageSchema,
  threadsResponseSchema,
  triggerEventsResponseSchema,
  triggerEventsSchema,
} from './responses.js'
export {
  ButtonType,
  TEMPLATE_TYPES,
  buttonSchema,
  decodeTemplate,
  quickReplySchema,
  responseSchema,
} from './templates.js'
export {
  Dialect,
  EventKind,
  PROJECT_KINDS,
  WEBHOOK_TYPES,
  kindOfType,
  parseWebhookEvent,
  webhookTypeFor,
} from './webhook.js'
export { decodeWebhookHead } from './webhook-head.js'

export type { Originator, Profile, SendOriginator } from './primitives.js'
export type { ParseIssue, ParseResult } from './parse.js'
export type {
  EncodeOptions,
  HandoverRequest,
  MediaUploadInput,
  MessageCommon,
  MessageInput,
  MessagePayload,
  MessageRequest,
} from './requests.js'
export type {
  Ack,
  BotStatus,
  BusinessHours,
  HistoryEntry,
  HistoryPage,
  Reply,
  ReplyMessage,
  ThreadCreated,
  ThreadsPage,
  TriggerEvents,
} from './responses.js'
export type {
  Button,
  ButtonsTemplate,
  CardTemplate,
  CarouselTemplate,
  ListTemplate,
  LocationTemplate,
  MediaTemplate,
  QuickReply,
  Response,
  Template,
  TemplateType,
  TextTemplate,
} from './templates.js'
export type {
  BotStatusData,
  Delivered,
  EventDataMap,
  FlowEvent,
  FlowEventOf,
  ThreadAction,
} from './webhook.js'
export type { WebhookHead } from './webhook-head.js'
export { toEpochMs } from './epoch-ms.js'
