import { randomUUID } from 'node:crypto'
import type { Dialect, EventKind, MessagePayload, Originator, Reply, Response } from '@flowchat/core/schemas'
import type { Bot, BotInput } from './bot/bot.js'
import type { EmulatorLogger } from './logger.js'
import { MAX_TIMER_MS } from './options.js'
import { createHistoryEntry, createReply, createReplyMessage } from './reply.js'
import type { ThreadStore } from './thread-store.js'
import type { Dispatcher } from './webhook/dispatcher.js'
import { createWebhookEvent } from './webhook/webhook-event.js'

/** A validated inbound message; `url` is set (an upload got a URL served by the emulator). */
export type InboundMessage = MessagePayload & { url?: string }

export interface ConversationOptions {
  store: ThreadStore
  bot: Bot
  dispatcher: Dispatcher
  dialect: Dialect
  replyDelayMs: number
  logger: EmulatorLogger
  /** The emulator's origin, for sample media URLs; known only once listening. */
  origin: () => string
}

/** What happens in threads: messages in, bot replies out, pause state, and the webhook events they cause. */
export interface Conversation {
  /**
   * Stores the message (unless `record` is false, as for a triggered event), then answers it unless paused.
   * With `sync`, the whole answer is returned instead of sent.
   */
  receive(threadId: string, message: InboundMessage, sync: boolean, record?: boolean): Reply
  pause(threadId: string): void
  resume(threadId: string): void
  handover(threadId: string, secondsToPause?: number): void
  takeover(threadId: string): void
  /** Sends any event (history, thread list, …) to the webhooks. */
  publish(kind: EventKind, payload: Record<string, unknown>, threadId?: string): void
  /** Resolves when no bot reply is still being typed. */
  idle(): Promise<void>
  close(): void
}

/** The bot as an originator; `picture` is served by the emulator. */
const botOriginator = (origin: string): Originator => ({
  name: 'Emulator bot',
  role: 'bot',
  profile: { picture: `${origin}/media/sample/bot.svg` },
})

/**
 * Creates the conversation engine. A visitor (`external`) message is stored with role `user` (as history
 * examples show). A `moderator` message pauses the bot, is stored as the agent's, and is sent as a `message`
 * event with the moderator as originator and the sender's `traceId`, so every subscriber (and a relay that
 * deduplicates by traceId) sees it. Multi-part answers go out `replyDelayMs` apart, each part one event.
 *
 * @example
 * const conversation = createConversation({ store, bot, dispatcher, dialect: 'current', replyDelayMs: 0, logger, origin: () => url })
 * conversation.receive('t1', payload, false)
 */
export function createConversation(options: ConversationOptions): Conversation {
  const { store, bot, dispatcher, dialect, logger } = options
  const typing = new Map<string, Promise<void>>()
  const resumeTimers = new Map<string, NodeJS.Timeout>()
  const abort = new AbortController()
  let busy = 0
  let waiters: (() => void)[] = []

  const publish = (kind: EventKind, payload: Record<string, unknown>, threadId?: string) =>
    dispatcher.publish(createWebhookEvent(kind, dialect, payload, threadId))

  const clearResumeTimer = (threadId: string) => {
    clearTimeout(resumeTimers.get(threadId))
    resumeTimers.delete(threadId)
  }

  const pauseThread = (threadId: string, kind: 'paused' | 'handover' | 'takeover', seconds?: number) => {
    clearResumeTimer(threadId)
    store.pause(threadId, seconds)
    publish(kind, { threadId, ...(seconds === undefined ? {} : { secondsToPause: seconds }) }, threadId)
    if (seconds !== undefined) armResume(threadId, Date.now() + seconds * 1000)
  }

  /** Announces the end of a timed pause at `at`; a pause longer than a timer holds is waited for in steps. */
  const armResume = (threadId: string, at: number) => {
    const timer = setTimeout(
      () => {
        resumeTimers.delete(threadId)
        if (Date.now() < at) return armResume(threadId, at)
        if (!store.isPaused(threadId)) publish('resumed', { threadId }, threadId)
      },
      Math.min(Math.max(at - Date.now(), 0), MAX_TIMER_MS),
    )
    timer.unref()
    resumeTimers.set(threadId, timer)
  }

  /** Runs a thread's bot work after the previous one, so answers to consecutive messages never interleave. */
  const enqueue = (threadId: string, work: () => Promise<void>) => {
    busy++
    const next = (typing.get(threadId) ?? Promise.resolve())
      .then(work)
      .catch((error: unknown) =>
        logger({
          level: 'error',
          event: 'bot.error',
          message: `bot failed on ${threadId}: ${String(error)}`,
          threadId,
        }),
      )
      .finally(() => {
        if (typing.get(threadId) === next) typing.delete(threadId)
        if (--busy === 0) {
          const done = waiters
          waiters = []
          for (const resolve of done) resolve()
        }
      })
    typing.set(threadId, next)
  }

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0 || abort.signal.aborted) return resolve()
      const timer = setTimeout(resolve, ms)
      abort.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true })
    })

  return {
    receive(threadId, message, sync, record = true) {
      const traceId = message.traceId ?? randomUUID()
      const moderator = message.originator.role === 'moderator'
      const sender: Originator = {
        name: message.originator.name,
        role: moderator ? 'moderator' : 'user',
        profile: message.originator.profile ?? {},
      }
      const said = visitorResponse(message)
      const replyTo = message.type === 'text' ? message.speech : null
      const inbound = createReplyMessage(said, null)
      if (record) {
        store.append(threadId, createHistoryEntry(sender, [inbound]))
        if (dialect === 'legacy') publish('delivered', { threadId, traceId }, threadId)
      }
      const empty = createReply({
        threadId,
        traceId,
        originator: botOriginator(options.origin()),
        messages: [],
      })

      if (moderator) {
        if (!store.isPaused(threadId)) pauseThread(threadId, 'paused')
        const agent = createReply({ threadId, traceId, originator: sender, messages: [inbound] })
        publish('reply', agent, threadId)
        return empty
      }
      if (store.isPaused(threadId)) {
        logger({
          level: 'debug',
          event: 'bot.paused',
          message: `${threadId} is paused: no bot reply`,
          threadId,
        })
        return empty
      }
      const answer = bot.answer(toBotInput(message), {
        name: message.originator.name,
        origin: options.origin(),
      })
      if (!answer || answer.responses.length === 0) return empty
      logger({
        level: 'debug',
        event: 'bot.answer',
        message: `${threadId}: rule ${answer.rule}, ${answer.responses.length} part(s)`,
        threadId,
      })
      const originator = botOriginator(options.origin())
      const entry = createHistoryEntry(originator, [])

      if (sync) {
        entry.messages.push(...answer.responses.map((r) => createReplyMessage(r, replyTo)))
        store.append(threadId, entry)
        if (answer.handover) pauseThread(threadId, 'handover', answer.handover.secondsToPause)
        return { ...empty, messages: entry.messages }
      }
      enqueue(threadId, async () => {
        for (const [i, response] of answer.responses.entries()) {
          if (i > 0) await wait(options.replyDelayMs)
          if (abort.signal.aborted || store.isPaused(threadId)) return
          const part = createReplyMessage(response, replyTo)
          if (i === 0) store.append(threadId, entry)
          entry.messages.push(part)
          publish('reply', createReply({ threadId, traceId, originator, messages: [part] }), threadId)
        }
        if (answer.handover) pauseThread(threadId, 'handover', answer.handover.secondsToPause)
      })
      return empty
    },
    pause: (threadId) => pauseThread(threadId, 'paused'),
    resume(threadId) {
      clearResumeTimer(threadId)
      store.resume(threadId)
      publish('resumed', { threadId }, threadId)
    },
    handover: (threadId, seconds) => pauseThread(threadId, 'handover', seconds),
    takeover: (threadId) => pauseThread(threadId, 'takeover'),
    publish,
    idle() {
      if (busy === 0) return Promise.resolve()
      return new Promise((resolve) => waiters.push(resolve))
    },
    close() {
      abort.abort()
      for (const timer of resumeTimers.values()) clearTimeout(timer)
      resumeTimers.clear()
    },
  }
}

/** The visitor's message as a template, for history. */
function visitorResponse(message: InboundMessage): Response {
  switch (message.type) {
    case 'text':
      return { type: 'text', payload: { text: message.speech } }
    case 'event':
      return { type: 'event', payload: { eventName: message.eventName } }
    case 'location':
      return {
        type: 'location',
        payload: { lat: message.lat, long: message.long, ...(message.title ? { title: message.title } : {}) },
      }
    case 'media':
      return {
        type: message.mediaType,
        payload: {
          url: message.url ?? '',
          ...(message.title ? { title: message.title } : {}),
          ...(message.mimeType ? { mimeType: message.mimeType } : {}),
        },
      }
  }
}

function toBotInput(message: InboundMessage): BotInput {
  switch (message.type) {
    case 'text':
      return { type: 'text', text: message.speech }
    case 'event':
      return { type: 'event', eventName: message.eventName }
    case 'location':
      return {
        type: 'location',
        lat: message.lat,
        long: message.long,
        ...(message.title ? { title: message.title } : {}),
      }
    case 'media':
      return {
        type: 'media',
        mediaType: message.mediaType,
        url: message.url ?? '',
        ...(message.title ? { title: message.title } : {}),
      }
  }
}
