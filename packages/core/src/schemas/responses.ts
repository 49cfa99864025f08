import * as z from 'zod/mini'
import { looseIntSchema, originatorSchema, threadIdSchema, traceIdSchema } from './primitives.js'
import { responseSchema } from './templates.js'

/** `{"status":"ok"}`: every call without `sync=true` answers only this. */
export const ackSchema = z.looseObject({ status: z.string() })

/** One message of a reply: its templates (`responses`), fallback text and metadata. */
export const replyMessageSchema = z.looseObject({
  fallback: z.optional(z.nullable(z.string())),
  replyTo: z.optional(z.nullable(z.string())),
  contexts: z.optional(z.array(z.unknown())),
  params: z.optional(z.unknown()),
  intents: z.optional(z.array(z.unknown())),
  createdAt: z.optional(z.union([z.string(), z.number()])),
  responses: z._default(z.array(responseSchema), []),
  meta: z.optional(
    z.looseObject({
      msgId: z.optional(z.string()),
      createdAt: z.optional(z.union([z.number(), z.string()])),
      /**
       * The relay's, on a visitor's history message it paired with its send: that send's traceId. Read leniently
       * (one that is not a traceId is dropped, never failing the page): Flow.ai's own pages are read with this
       * schema too, and the relay removes whatever it finds there.
       */
      traceId: z.catch(z.optional(traceIdSchema), undefined),
    }),
  ),
})

/** What a bot (or agent) said in one turn: who said it and its messages (a `message` webhook body, a sync reply). */
export const replySchema = z.looseObject({
  threadId: z.optional(threadIdSchema),
  traceId: z.optional(traceIdSchema),
  channelName: z.optional(z.string()),
  originator: z.optional(originatorSchema),
  createdAt: z.optional(z.union([z.string(), z.number()])),
  messages: z._default(z.array(replyMessageSchema), []),
})

/** One entry of a thread's history: an originator and what it said. */
export const historyEntrySchema = z.looseObject({
  originator: z.optional(originatorSchema),
  messages: z._default(z.array(replyMessageSchema), []),
})

/** A page of history: 20 entries at most, with `page` and `pages` as numbers (or strings). */
export const historyPageSchema = z.looseObject({
  history: z.array(historyEntrySchema),
  threadId: z.optional(threadIdSchema),
  page: z.optional(looseIntSchema),
  pages: z.optional(looseIntSchema),
})
/** `GET messages/:threadId?sync=true`. */
export const historyResponseSchema = z.looseObject({ status: z.string(), result: historyPageSchema })

/** A page of thread ids (`page` comes back as the string `"1"`). */
export const threadsPageSchema = z.looseObject({
  threads: z.array(z.string()),
  page: z.optional(looseIntSchema),
  pages: z.optional(looseIntSchema),
})
/** `GET threads?sync=true`. */
export const threadsResponseSchema = z.looseObject({ status: z.string(), result: threadsPageSchema })

export const triggerEventsSchema = z.looseObject({ items: z.array(z.string()) })
/** `GET trigger/event?sync=true`. */
export const triggerEventsResponseSchema = z.looseObject({ status: z.string(), result: triggerEventsSchema })

/** One set of business hours: opening ranges per weekday, holidays, a label and a timezone description. */
export const businessHoursSchema = z.looseObject({
  weekdays: z._default(
    z.array(
      z.looseObject({
        weekday: z.string(),
        content: z._default(z.array(z.looseObject({ from: z.string(), to: z.string() })), []),
      }),
    ),
    [],
  ),
  holidays: z._default(z.array(z.looseObject({ holiday: z.optional(z.string()), date: z.string() })), []),
  label: z.optional(z.string()),
  timezone: z.optional(z.string()),
})
/** `GET businesshours?sync=true`: unlike the others, no `result` wrapper. */
export const businessHoursResponseSchema = z.looseObject({
  status: z.string(),
  businessHours: z.array(businessHoursSchema),
})

/**
 * `GET pause/:threadId?sync=true`. The reference spells it `isPaued`; `isPaused` is read too, and the
 * output always has `isPaused`.
 */
export const botStatusResponseSchema = z.pipe(
  // Pure, so that a bundle that never reads a bot status drops it (see `handoverRequestSchema`).
  /* @__PURE__ */ z
    .looseObject({
      status: z.optional(z.string()),
      threadId: z.optional(threadIdSchema),
      isPaused: z.optional(z.boolean()),
      isPaued: z.optional(z.boolean()),
    })
    .check(
      z.refine((b) => b.isPaused !== undefined || b.isPaued !== undefined, {
        message: 'a bot status needs `isPaused` (or `isPaued`)',
        path: ['isPaused'],
      }),
    ),
  z.transform(({ isPaued, ...b }) => ({ ...b, isPaused: (b.isPaused ?? isPaued) as boolean })),
)

/** A new thread id handed out (the relay's anonymous sessions use the same shape). */
export const threadCreatedSchema = z.looseObject({ status: z.optional(z.string()), threadId: threadIdSchema })

/** The JSON body of an error answer (`{"status":"error","message":…}`); every field optional. */
export const errorBodySchema = z.looseObject({
  status: z.optional(z.string()),
  message: z.optional(z.string()),
  error: z.optional(z.unknown()),
})

export type Ack = z.output<typeof ackSchema>
export type ReplyMessage = z.output<typeof replyMessageSchema>
export type Reply = z.output<typeof replySchema>
export type HistoryEntry = z.output<typeof historyEntrySchema>
export type HistoryPage = z.output<typeof historyPageSchema>
export type ThreadsPage = z.output<typeof threadsPageSchema>
export type TriggerEvents = z.output<typeof triggerEventsSchema>
export type BusinessHours = z.output<typeof businessHoursSchema>
export type BotStatus = z.output<typeof botStatusResponseSchema>
export type ThreadCreated = z.output<typeof threadCreatedSchema>
