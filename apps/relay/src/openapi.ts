import * as z from 'zod'
import {
  businessHoursResponseSchema,
  historyPageSchema,
  threadsPageSchema,
  triggerEventsSchema,
} from '@flowchat/core/schemas'
import { envelopeSchema } from '@flowchat/core/protocol'
import {
  emptyAnswerSchema,
  errorBodySchema,
  handoverBodySchema,
  operatorSessionAnswerSchema,
  operatorSessionBodySchema,
  sendAnswerSchema,
  sendMessageBodySchema,
  sessionAnswerSchema,
  sessionBodySchema,
  statusAnswerSchema,
  triggerBodySchema,
  uploadQuerySchema,
} from './request-schemas.js'

type Json = Record<string, unknown>
type AnySchema = z.core.$ZodType

const schema = (s: AnySchema, io: 'input' | 'output' = 'output'): Json => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Json
  return rest
}
const json = (s: AnySchema, io: 'input' | 'output' = 'output') => ({
  'application/json': { schema: schema(s, io) },
})
const answer = (description: string, s?: AnySchema) => ({ description, ...(s ? { content: json(s) } : {}) })
const errors = {
  '4XX': answer('An error: `{"error":{code,message,path?}}`', errorBodySchema),
  '5XX': answer('An error: `{"error":{code,message,path?}}`', errorBodySchema),
}
const threadParam = {
  name: 'threadId',
  in: 'path',
  required: true,
  schema: { type: 'string', maxLength: 256 },
}
const pageParam = { name: 'page', in: 'query', required: false, schema: { type: 'integer', minimum: 1 } }
const bearer = [{ bearer: [] }]

/**
 * The relay's OpenAPI 3.1 document, generated from the same zod schemas the routes validate with.
 *
 * @example
 * app.get('/openapi.json', () => openApiDocument())
 */
export function openApiDocument(): Json {
  const sse = {
    description:
      'Server-Sent Events: `id`, `event` (kind, or `reset`), `data` (an envelope). Resume with `Last-Event-ID` or `?lastEventId=`.',
    content: { 'text/event-stream': { schema: schema(envelopeSchema) } },
  }
  const streamParams = [
    { name: 'lastEventId', in: 'query', required: false, schema: { type: 'string', pattern: '^\\d+-\\d+$' } },
    { name: 'access_token', in: 'query', required: false, schema: { type: 'string' } },
    { name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'string' } },
  ]
  const op = (summary: string, extra: Json) => ({ summary, security: bearer, ...extra })
  return {
    openapi: '3.1.0',
    info: { title: 'flowchat relay', version: '0.1.0', description: 'See docs/relay-protocol.md.' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths: {
      '/v1/sessions': {
        post: {
          summary: 'A new anonymous thread and token (201), or a fresh token for a thread token (200)',
          requestBody: { required: false, content: json(sessionBodySchema, 'input') },
          responses: {
            200: answer('Refreshed', sessionAnswerSchema),
            201: answer('Created', sessionAnswerSchema),
            ...errors,
          },
        },
      },
      '/v1/operator/sessions': {
        post: op('Operator token for the operator password (sent as Bearer)', {
          requestBody: { required: false, content: json(operatorSessionBodySchema, 'input') },
          responses: { 201: answer('Created', operatorSessionAnswerSchema), ...errors },
        }),
      },
      '/v1/threads/{threadId}/events': {
        get: op("One thread's events", {
          parameters: [threadParam, ...streamParams],
          responses: { 200: sse, ...errors },
        }),
      },
      '/v1/events': {
        get: op('Every event (operators)', { parameters: streamParams, responses: { 200: sse, ...errors } }),
      },
      '/v1/threads/{threadId}/messages': {
        post: op('Send a message (role from the token)', {
          parameters: [threadParam],
          requestBody: {
            required: true,
            content: {
              ...json(sendMessageBodySchema, 'input'),
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  properties: {
                    query: schema(uploadQuerySchema, 'input'),
                    file: { type: 'string', format: 'binary' },
                  },
                  required: ['query', 'file'],
                },
              },
            },
          },
          responses: { 202: answer('Flow.ai acked it', sendAnswerSchema), ...errors },
        }),
        get: op('History (page 1 is the newest)', {
          parameters: [threadParam, pageParam],
          responses: { 200: answer('A page', historyPageSchema), ...errors },
        }),
      },
      '/v1/business-hours': {
        get: op('Business hours (cached)', {
          responses: { 200: answer('Business hours', businessHoursResponseSchema), ...errors },
        }),
      },
      '/v1/threads': {
        get: op('Threads (operators)', {
          parameters: [pageParam],
          responses: { 200: answer('A page', threadsPageSchema), ...errors },
        }),
      },
      '/v1/threads/{threadId}/pause': {
        post: op('Pause the bot', {
          parameters: [threadParam],
          responses: { 202: answer('Accepted', emptyAnswerSchema), ...errors },
        }),
        delete: op('Resume the bot', {
          parameters: [threadParam],
          responses: { 202: answer('Accepted', emptyAnswerSchema), ...errors },
        }),
      },
      '/v1/threads/{threadId}/status': {
        get: op('Bot status', {
          parameters: [threadParam],
          responses: { 200: answer('Status', statusAnswerSchema), ...errors },
        }),
      },
      '/v1/threads/{threadId}/handover': {
        post: op('Hand over to a human', {
          parameters: [threadParam],
          requestBody: { required: false, content: json(handoverBodySchema, 'input') },
          responses: { 202: answer('Accepted', emptyAnswerSchema), ...errors },
        }),
      },
      '/v1/threads/{threadId}/takeover': {
        post: op('Take over (deprecated upstream)', {
          deprecated: true,
          parameters: [threadParam],
          responses: { 202: answer('Accepted', emptyAnswerSchema), ...errors },
        }),
      },
      '/v1/trigger-events': {
        get: op('Trigger events', { responses: { 200: answer('Names', triggerEventsSchema), ...errors } }),
      },
      '/v1/threads/{threadId}/trigger': {
        post: op('Trigger an event', {
          parameters: [threadParam],
          requestBody: { required: true, content: json(triggerBodySchema, 'input') },
          responses: { 202: answer('Accepted', emptyAnswerSchema), ...errors },
        }),
      },
      '/webhooks/{secret}': {
        post: {
          summary: "Flow.ai's webhook events",
          responses: {
            200: answer('Stored'),
            404: answer('Wrong secret'),
            503: answer('Storage failed: retry'),
          },
        },
        get: { summary: "Flow.ai's probe", responses: { 200: answer('OK') } },
      },
      '/healthz': { get: { summary: 'Liveness', responses: { 200: answer('Alive') } } },
      '/readyz': {
        get: { summary: 'Storage reachable', responses: { 200: answer('Ready'), 503: answer('Not ready') } },
      },
      '/metrics': { get: { summary: 'Prometheus metrics', responses: { 200: answer('Text format 0.0.4') } } },
    },
  }
}
