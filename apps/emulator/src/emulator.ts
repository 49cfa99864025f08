import type { AddressInfo } from 'node:net'
import { buildServer } from './api/server.js'
import { createBot } from './bot/bot.js'
import { loadScriptFile, parseScript, type LoadedScript } from './bot/script.js'
import { createConversation } from './conversation.js'
import { createMediaStore } from './media-store.js'
import { resolveOptions, type EmulatorOptions } from './options.js'
import { DEFAULT_BUSINESS_HOURS, DEFAULT_TRIGGER_EVENTS } from './project-defaults.js'
import { createRandom } from './random.js'
import { createThreadStore, type ThreadSnapshot } from './thread-store.js'
import { createDispatcher } from './webhook/dispatcher.js'

/** A running emulator. */
export interface Emulator {
  /** The origin, e.g. `http://127.0.0.1:41234`. */
  url: string
  /** `url + '/rest/v1/'`: the base URL a Flow.ai client is given. */
  restUrl: string
  /** The API key it accepts (generated when none was given). */
  apiKey: string
  /** Registers a webhook URL after a GET probe, like Flow.ai (a failed probe is logged, the URL kept). */
  addWebhook(url: string): Promise<void>
  removeWebhook(url: string): void
  /** Resolves when no bot reply is being typed and every queued webhook delivery succeeded or was given up. */
  idle(): Promise<void>
  /** Per-thread state for assertions: history (oldest first) and pause state; undefined for an unknown thread. */
  thread(threadId: string): ThreadSnapshot | undefined
  /** Stops the server, every delivery and timer, and removes uploaded files. */
  close(): Promise<void>
}

/**
 * Starts a Flow.ai REST API v1 compatible server with the scripted bot.
 *
 * @example
 * const emulator = await startEmulator({ webhooks: ['http://127.0.0.1:3000/hook'], replyDelayMs: 0 })
 * await fetch(`${emulator.restUrl}messages/t1`, {
 *   method: 'POST',
 *   headers: { authorization: emulator.apiKey, 'content-type': 'application/json' },
 *   body: JSON.stringify({ payload: { type: 'text', speech: 'image', originator: { name: 'Ann', role: 'external' } } }),
 * })
 * await emulator.idle() // the reply has reached the webhook
 * await emulator.close()
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const resolved = resolveOptions(options)
  const script: LoadedScript | undefined =
    options.script === undefined
      ? undefined
      : typeof options.script === 'string'
        ? await loadScriptFile(options.script)
        : parseScript(options.script)
  const { logger } = resolved
  const store = createThreadStore()
  const dispatcher = createDispatcher({ ...resolved, random: createRandom(resolved.faults.seed), logger })
  let origin = ''
  const conversation = createConversation({
    store,
    bot: createBot(script),
    dispatcher,
    dialect: resolved.dialect,
    replyDelayMs: resolved.replyDelayMs,
    logger,
    origin: () => origin,
  })
  const media = createMediaStore()
  const app = buildServer({
    options: resolved,
    store,
    conversation,
    media,
    businessHours: options.businessHours ?? script?.businessHours ?? DEFAULT_BUSINESS_HOURS,
    triggerEvents: options.triggerEvents ?? script?.triggerEvents ?? DEFAULT_TRIGGER_EVENTS,
    origin: () => origin,
  })
  await app.listen({ port: resolved.port, host: resolved.host })
  const address = app.server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  origin = `http://${host}:${address.port}`
  logger({
    level: 'info',
    event: 'emulator.listening',
    message: `Flow.ai REST API v1 emulator on ${origin}/rest/v1/ (${resolved.dialect} webhooks, ${resolved.auth} auth)`,
    url: origin,
  })
  try {
    // Side by side: each probe may wait retry.timeoutMs for a receiver that never answers, and start-up waits for them.
    await Promise.all(resolved.webhooks.map((url) => dispatcher.add(url)))
  } catch (error) {
    await app.close()
    throw error
  }

  let closed: Promise<void> | undefined
  return {
    url: origin,
    restUrl: `${origin}/rest/v1/`,
    apiKey: resolved.apiKey,
    addWebhook: (url) => dispatcher.add(url),
    removeWebhook: (url) => dispatcher.remove(url),
    async idle() {
      // Bot parts still being typed publish first; then their deliveries drain.
      await conversation.idle()
      await dispatcher.idle()
    },
    thread: (threadId) => store.snapshot(threadId),
    close() {
      closed ??= (async () => {
        conversation.close()
        const undone = dispatcher.close()
        // An emulator keeps nothing across runs: say what a stop threw away, so a missing event is explained.
        if (undone > 0)
          logger({
            level: 'warn',
            event: 'webhook.dropped',
            message: `stopped with ${undone} webhook ${undone === 1 ? 'delivery' : 'deliveries'} not done (queued or in flight); they are dropped`,
            count: undone,
          })
        await app.close()
        await media.close()
      })()
      return closed
    },
  }
}
