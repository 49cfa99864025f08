// An event button's label after a reload that lands on another relay instance, or on a restarted one (issue 15):
// two relays on one Redis behind a load balancer, the emulator as Flow.ai (whose history keeps only the event
// name), and the reactive client reloading with the same stored session.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFlowChat, createMemoryStorage, type ChatMessage, type KeyValueStorage } from '@flowchat/core'
import { startEmulator, type Emulator } from '@flowchat/emulator'
import { createRedisStorage, createRelay, type Relay } from '@flowchat/relay'
import { EventSource } from 'eventsource'
import {
  deleteKeys,
  randomPrefix,
  requireRedis,
  testRedisUrl,
} from '../apps/relay/src/storage/redis-test-support.js'
import { transcript, when } from './client-stack.js'
import { startLoadBalancer, type LoadBalancer } from './relay-cluster-support.js'

const label = 'Show me the menu'
const keyPrefix = randomPrefix('event-labels-e2e')
const secrets = {
  webhookSecret: `wh-${randomBytes(16).toString('hex')}`,
  tokenSecret: randomBytes(32).toString('hex'),
  operatorPassword: `op-${randomBytes(12).toString('hex')}`,
}

let emulator: Emulator
const relays = new Set<Relay>()
let balancer: LoadBalancer | undefined
const chats: Array<{ close(): void }> = []

/** A relay on the shared Redis, on `port` (0: any). */
async function startRelay(port = 0): Promise<{ relay: Relay; port: number }> {
  const relay = await createRelay({
    flowBaseUrl: emulator.restUrl,
    apiKey: emulator.apiKey,
    port,
    ...secrets,
    storage: createRedisStorage({ url: testRedisUrl, keyPrefix, onError: () => undefined }),
  })
  relays.add(relay)
  return { relay, port: Number(new URL(await relay.listen()).port) }
}
async function stopRelay(relay: Relay): Promise<void> {
  relays.delete(relay)
  await relay.close()
}

/** A page load of the visitor's site: a client on the load balancer, with the browser's stored session. */
function load(storage: KeyValueStorage) {
  const chat = createFlowChat({
    relayUrl: balancer!.url,
    EventSource,
    storage,
    backoff: { baseMs: 50, maxMs: 400 },
  })
  chats.push(chat)
  return chat
}

/** What a reload shows: the transcript once the history page with the visitor's message is in. */
async function afterReload(storage: KeyValueStorage): Promise<string[]> {
  const chat = load(storage)
  const { threadId } = await chat.session()
  const messages = await when(chat.thread(threadId).messages$, (ms: readonly ChatMessage[]) =>
    ms.some((m) => m.sender === 'visitor'),
  )
  chat.close()
  return transcript(messages).filter((line) => line.startsWith('visitor:'))
}

beforeAll(async () => {
  await requireRedis(testRedisUrl)
  emulator = await startEmulator({ port: 0, replyDelayMs: 0 })
}, 60_000)
afterAll(async () => {
  for (const chat of chats) chat.close()
  await balancer?.close()
  await Promise.all([...relays].map((relay) => relay.close()))
  await emulator?.close()
  await deleteKeys(testRedisUrl, [keyPrefix])
})

describe('event labels on Redis storage', { timeout: 60_000 }, () => {
  it('a reload served by another relay instance, then by a restarted one, shows the label', async () => {
    const a = await startRelay()
    const b = await startRelay()
    // Each connection goes to A while A accepts, else to B.
    balancer = await startLoadBalancer([a.port, b.port])
    const browser = createMemoryStorage()

    const chat = load(browser)
    const { threadId } = await chat.session()
    const thread = chat.thread(threadId)
    await when(thread.connection$, (c) => c.state === 'open')
    thread.send({ type: 'event', eventName: 'SHOW_MENU', label })
    await when(thread.messages$, (ms) => ms.some((m) => m.sender === 'visitor' && m.state !== 'pending'))
    chat.close()
    expect(emulator.thread(threadId)?.history.length).toBeGreaterThan(0)

    // A goes away (a deploy): the reload's requests reach B, which never saw the send.
    await stopRelay(a.relay)
    expect(await afterReload(browser)).toEqual([`visitor:${label}`])

    // A comes back on its port as a new process would, with nothing of the old one: the reload reaches it.
    const restarted = await startRelay(a.port)
    await stopRelay(b.relay)
    expect(await afterReload(browser)).toEqual([`visitor:${label}`])
    await stopRelay(restarted.relay)
  })
})
