// An event button's label on the history page served by another relay than the one that took the send: a second
// instance on the same storage, a restarted one, and (memory storage) one that shares nothing.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Relay } from '../relay.js'
import { createMemoryStorage } from '../storage/memory-storage.js'
import { createRedisStorage } from '../storage/redis-storage.js'
import { deleteKeys, randomPrefix, requireRedis, testRedisUrl } from '../storage/redis-test-support.js'
import type { EventStorage } from '../storage/types.js'
import { relaysOfOneThread, type FlowResponder } from '../testing/fake-flow.js'

const T = 'A|o_1'
const url = `/v1/threads/${encodeURIComponent(T)}/messages`
const label = 'Show me the menu, please'
const prefixes: string[] = []

beforeAll(() => requireRedis(testRedisUrl))
afterAll(() => deleteKeys(testRedisUrl, prefixes))

/**
 * Flow.ai as the relays see it: it keeps each event send in history under its name only (no label), with the
 * time it got it, as Flow.ai's history does; with `traceId`, a `meta.traceId` of its own on each.
 */
function flowHistory(traceId?: string) {
  const history: unknown[] = []
  const respond: FlowResponder = (call) => {
    if (call.method === 'POST' && call.path.startsWith('messages/')) {
      const { payload } = JSON.parse(call.body) as { payload: { eventName?: string; speech?: string } }
      const response =
        payload.speech === undefined
          ? { type: 'event', payload: { eventName: payload.eventName } }
          : { type: 'text', payload: { text: payload.speech } }
      history.push({
        originator: { name: 'Ann', role: 'user' },
        messages: [
          {
            fallback: payload.eventName ?? payload.speech,
            createdAt: Date.now(),
            meta: { msgId: `flow-${history.length}`, ...(traceId === undefined ? {} : { traceId }) },
            responses: [response],
          },
        ],
      })
      return undefined
    }
    if (!call.path.includes('sync=true')) return undefined
    return new Response(
      JSON.stringify({ status: 'ok', result: { history, threadId: T, page: 1, pages: 1 } }),
      {
        headers: { 'content-type': 'application/json' },
      },
    )
  }
  return respond
}

describe('event labels on the history page across relays', () => {
  const relays = relaysOfOneThread(T)
  afterEach(() => relays.closeAll())
  const start = relays.start

  /** Sends (an event button's click by default) and gives the send's traceId. */
  const clickButton = async (
    relay: Relay,
    token: string,
    payload: Record<string, unknown> = { type: 'event', eventName: 'SHOW_MENU', label },
  ) => {
    const r = await relay.app.inject({
      method: 'POST',
      url,
      payload,
      headers: { authorization: `Bearer ${token}` },
    })
    expect(r.statusCode).toBe(202)
    return r.json<{ traceId: string }>().traceId
  }
  const traceIdsShown = async (relay: Relay, token: string) => {
    const r = await relay.app.inject({ url, headers: { authorization: `Bearer ${token}` } })
    expect(r.statusCode).toBe(200)
    const page = r.json<{
      history: Array<{ messages: Array<{ meta?: { msgId?: string; traceId?: string } }> }>
    }>()
    return page.history.map((e) => e.messages[0]!.meta)
  }
  /** Two clicks of one button and a text: each history copy carries its own send's traceId, and Flow.ai's id. */
  async function expectTraceIds(
    took: Awaited<ReturnType<typeof start>>,
    served: Awaited<ReturnType<typeof start>>,
  ) {
    const sent = [
      await clickButton(took.relay, took.token),
      await clickButton(took.relay, took.token),
      await clickButton(took.relay, took.token, { type: 'text', text: 'hi' }),
    ]
    expect(new Set(sent).size).toBe(3)
    expect(await traceIdsShown(served.relay, served.token)).toEqual(
      sent.map((traceId, i) => ({ msgId: `flow-${i}`, traceId })),
    )
  }
  const shown = async (relay: Relay, token: string) => {
    const r = await relay.app.inject({ url, headers: { authorization: `Bearer ${token}` } })
    expect(r.statusCode).toBe(200)
    const page = r.json<{ history: Array<{ messages: Array<{ responses: Array<{ payload: unknown }> }> }> }>()
    return page.history.map((e) => e.messages[0]!.responses[0]!.payload)
  }

  it('memory storage: the relay that took the send restores the label; a fresh one, sharing nothing, cannot', async () => {
    const respond = flowHistory()
    const a = await start(createMemoryStorage(), respond)
    await clickButton(a.relay, a.token)
    expect(await shown(a.relay, a.token)).toEqual([{ eventName: 'SHOW_MENU', label }])
    // Expected: the memory storage is one process's; another (or a restarted) relay has no `sent` event to read.
    const fresh = await start(createMemoryStorage(), respond)
    expect(await shown(fresh.relay, fresh.token)).toEqual([{ eventName: 'SHOW_MENU' }])
    // The label is the visitor's text: it is stored and streamed, never logged.
    for (const relay of [a, fresh]) expect(relay.logs.lines.join('')).not.toContain(label)
  })

  it('redis storage: a second relay on the same Redis, and a restarted one, restore the label', async () => {
    const keyPrefix = randomPrefix('event-labels')
    prefixes.push(keyPrefix)
    const redis = () => createRedisStorage({ url: testRedisUrl, keyPrefix, onError: () => undefined })
    const respond = flowHistory()
    const a = await start(redis(), respond)
    const b = await start(redis(), respond, a.secrets.tokenSecret)
    await clickButton(a.relay, a.token)
    expect(await shown(b.relay, b.token)).toEqual([{ eventName: 'SHOW_MENU', label }])
    // A restart: A goes away with everything in its process; a new relay on the same Redis takes its place.
    await a.relay.close()
    const restarted = await start(redis(), respond, a.secrets.tokenSecret)
    expect(await shown(restarted.relay, a.token)).toEqual([{ eventName: 'SHOW_MENU', label }])
    for (const relay of [a, b, restarted]) expect(relay.logs.lines.join('')).not.toContain(label)
  })

  it("memory storage: each visitor message of the page carries its send's traceId", async () => {
    const a = await start(createMemoryStorage(), flowHistory())
    await expectTraceIds(a, a)
  })

  it("redis storage: a second relay on the same Redis gives each visitor message its send's traceId", async () => {
    const keyPrefix = randomPrefix('history-trace')
    prefixes.push(keyPrefix)
    const redis = () => createRedisStorage({ url: testRedisUrl, keyPrefix, onError: () => undefined })
    const respond = flowHistory()
    const a = await start(redis(), respond)
    const b = await start(redis(), respond, a.secrets.tokenSecret)
    await expectTraceIds(a, b)
  })

  it('serves the page with event names and no traceId, logging no label, when the storage cannot be read', async () => {
    const inner = createMemoryStorage()
    let failing = false
    const storage: EventStorage = {
      ...inner,
      readThreadRange: (...args) =>
        failing ? Promise.reject(new Error('storage down')) : inner.readThreadRange(...args),
    }
    const a = await start(storage, flowHistory('flow-own'))
    await clickButton(a.relay, a.token)
    failing = true
    expect(await shown(a.relay, a.token)).toEqual([{ eventName: 'SHOW_MENU' }])
    // Only the relay writes `meta.traceId`: not restored, the page carries none.
    expect(await traceIdsShown(a.relay, a.token)).toEqual([{ msgId: 'flow-0' }])
    const logged = a.logs.lines.join('')
    expect(logged).toContain('event labels not restored')
    expect(logged).not.toContain(label)
  })
})
