/**
 * A real stack for the client's end-to-end tests: the emulator (Flow.ai) and a relay in front of it, with random
 * secrets, and a relay that can be stopped and started again on the same port.
 */
import { randomBytes } from 'node:crypto'
import {
  createFlowChat,
  createOperatorChat,
  createMemoryStorage,
  type ChatMessage,
  type FlowChat,
  type OperatorChat,
  type KeyValueStorage,
} from '@flowchat/core'
import { startEmulator, type Emulator } from '@flowchat/emulator'
import { createRelay, type Relay, type RelayOptions } from '@flowchat/relay'
import { EventSource } from 'eventsource'

export interface Stack {
  emulator: Emulator
  relayUrl: string
  /** Stops the relay (its memory storage, so its event log, is lost). */
  stopRelay(): Promise<void>
  /** Starts a new relay on the same port with the same secrets. */
  startRelay(): Promise<void>
  /** A client of the relay; `storage` shared between clients plays two tabs of one browser. */
  client(storage?: KeyValueStorage): FlowChat
  /** An operator client, signed in with the relay's operator password. */
  operator(): Promise<OperatorChat>
  close(): Promise<void>
}

export async function startStack(
  options: { corsOrigins?: string[]; relay?: Partial<RelayOptions> } = {},
): Promise<Stack> {
  const emulator = await startEmulator({
    port: 0,
    replyDelayMs: 0,
    retry: { baseDelayMs: 50, maxDelayMs: 200 },
  })
  const secrets = {
    webhookSecret: `wh-${randomBytes(16).toString('hex')}`,
    tokenSecret: randomBytes(32).toString('hex'),
    operatorPassword: `op-${randomBytes(12).toString('hex')}`,
  }
  let relay: Relay | undefined
  let port = 0
  let relayUrl = ''
  const clients: FlowChat[] = []
  const startRelay = async () => {
    relay = await createRelay({
      flowBaseUrl: emulator.restUrl,
      apiKey: emulator.apiKey,
      port,
      ...secrets,
      ...(options.corsOrigins ? { corsOrigins: options.corsOrigins } : {}),
      ...options.relay,
    })
    relayUrl = await relay.listen()
    port = Number(new URL(relayUrl).port)
  }
  await startRelay()
  await emulator.addWebhook(relay!.webhookUrl!)
  return {
    emulator,
    get relayUrl() {
      return relayUrl
    },
    async stopRelay() {
      await relay?.close()
      relay = undefined
    },
    startRelay,
    client(storage = createMemoryStorage()) {
      const chat = createFlowChat({ relayUrl, EventSource, storage, backoff: { baseMs: 50, maxMs: 400 } })
      clients.push(chat)
      return chat
    },
    async operator() {
      const response = await fetch(`${relayUrl}/v1/operator/sessions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secrets.operatorPassword}` },
      })
      if (response.status !== 201) throw new Error(`operator sign-in answered ${response.status}`)
      const { token } = (await response.json()) as { token: string }
      const chat = createOperatorChat({
        relayUrl,
        EventSource,
        session: { operatorToken: token },
        storage: createMemoryStorage(),
      })
      clients.push(chat)
      return chat
    },
    async close() {
      for (const chat of clients) chat.close()
      await relay?.close()
      await emulator.close()
    },
  }
}

/** The first value that satisfies `predicate` (the test's own timeout bounds the wait). */
export function when<T>(
  source$: { subscribe(next: (value: T) => void): { unsubscribe(): void } },
  predicate: (value: T) => boolean,
): Promise<T> {
  return new Promise((resolve) => {
    let done = false
    let sub: { unsubscribe(): void } | undefined = undefined
    sub = source$.subscribe((value) => {
      if (done || !predicate(value)) return
      done = true
      resolve(value)
      // A synchronous first value arrives before `subscribe` returns: unsubscribe once it has.
      queueMicrotask(() => sub?.unsubscribe())
    })
    if (done) queueMicrotask(() => sub?.unsubscribe())
  })
}

/** `sender:text` of each message, for comparing conversations. */
export const transcript = (messages: readonly ChatMessage[]): string[] =>
  messages.map((m) => {
    const t = m.templates[0]
    return `${m.sender}:${t?.type === 'text' ? t.payload.text : (m.fallback ?? t?.type ?? '')}`
  })
