// Page 1 of a thread's history served by one relay while another relay on the same storage has a send to that
// thread under way: it waits for the send (its `sent` event stored, or its failure) and pairs the page's copy of
// it with the send's traceId. With memory storage two relays share nothing, and nothing changes.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createMemoryStorage } from '../storage/memory-storage.js'
import { createRedisStorage } from '../storage/redis-storage.js'
import { deleteKeys, randomPrefix, requireRedis, testRedisUrl } from '../storage/redis-test-support.js'
import { relaysOfOneThread, type FlowResponder } from '../testing/fake-flow.js'
import { until } from '../testing/sse-helpers.js'
import { recordingSendCounts } from '../testing/storage-wrappers.js'

const T = 'A|o_1'
const url = `/v1/threads/${encodeURIComponent(T)}/messages`
const prefixes: string[] = []

beforeAll(() => requireRedis(testRedisUrl))
afterAll(() => deleteKeys(testRedisUrl, prefixes))

/**
 * Flow.ai shared by the relays: a send goes into its history at once, but its answer waits for `release`
 * (ok, or a 500); a history read answers at once.
 */
function heldFlow() {
  const history: unknown[] = []
  let release: (ok: boolean) => void = () => {}
  const released = new Promise<boolean>((resolve) => (release = resolve))
  const respond: FlowResponder = async (call) => {
    if (call.method === 'POST' && call.path.startsWith('messages/')) {
      const { payload } = JSON.parse(call.body) as { payload: { speech: string } }
      history.push({
        originator: { name: 'Ann', role: 'external' },
        messages: [
          {
            createdAt: Date.now(),
            meta: { msgId: `flow-${history.length}` },
            responses: [{ type: 'text', payload: { text: payload.speech } }],
          },
        ],
      })
      if (await released) return undefined
      return new Response(JSON.stringify({ status: 'error' }), { status: 500 })
    }
    if (!call.path.includes('sync=true')) return undefined
    return new Response(
      JSON.stringify({ status: 'ok', result: { history, threadId: T, page: 1, pages: 1 } }),
      { headers: { 'content-type': 'application/json' } },
    )
  }
  return { respond, history, release }
}

describe('sends under way across relays', () => {
  const relays = relaysOfOneThread(T)
  afterEach(() => relays.closeAll())
  const start = relays.start

  async function redisPair(flow: ReturnType<typeof heldFlow>) {
    const keyPrefix = randomPrefix('under-way')
    prefixes.push(keyPrefix)
    const redis = () => createRedisStorage({ url: testRedisUrl, keyPrefix, onError: () => undefined })
    const b = recordingSendCounts(redis())
    const a = await start(redis(), flow.respond)
    return { a, b: await start(b.storage, flow.respond, a.secrets.tokenSecret), counts: b.counts }
  }

  const pageTraceIds = (r: { json: () => unknown }) =>
    (r.json() as { history: Array<{ messages: Array<{ meta?: { traceId?: string } }> }> }).history.map(
      (e) => e.messages[0]!.meta?.traceId,
    )

  type Started = Awaited<ReturnType<typeof start>>

  /** A's send, held by Flow.ai once it has its copy, and B's page 1 asked for meanwhile. */
  async function sendThenPage(flow: ReturnType<typeof heldFlow>, a: Started, b: Started) {
    const sending = a.relay.app.inject({
      method: 'POST',
      url,
      payload: { type: 'text', text: 'hi' },
      headers: { authorization: `Bearer ${a.token}` },
    })
    await until(() => flow.history.length === 1, "Flow.ai's copy of A's send")
    const state = { served: false }
    const page = b.relay.app
      .inject({ url, headers: { authorization: `Bearer ${b.token}` } })
      .then((r) => ((state.served = true), r))
    return { sending, page, state }
  }

  it.each([
    { outcome: 'stored', accepted: true, status: 202 },
    { outcome: 'refused by Flow.ai', accepted: false, status: 502 },
  ])(
    "redis storage: B's page 1 waits for A's send until it is $outcome, then pairs the copy with its traceId",
    async ({ accepted, status }) => {
      const flow = heldFlow()
      const { a, b, counts } = await redisPair(flow)
      const { sending, page, state } = await sendThenPage(flow, a, b)
      // B has read the page from Flow.ai and looked at the sends under way twice, finding A's: it is still waiting.
      await until(() => state.served || counts.filter((n) => n > 0).length >= 2, 'B to wait for the send')
      expect(state.served).toBe(false)
      flow.release(accepted)
      const sent = await sending
      expect(sent.statusCode).toBe(status)
      const r = await page
      expect(r.statusCode).toBe(200)
      // A refused send stores no `sent` event: its copy has nothing to pair with.
      expect(pageTraceIds(r)).toEqual([accepted ? sent.json<{ traceId: string }>().traceId : undefined])
      // Released by the storage's answer, not by the time limit.
      expect(counts.at(-1)).toBe(0)
    },
  )

  it("memory storage: two relays share nothing, and B's page does not wait for A's send", async () => {
    const flow = heldFlow()
    const a = await start(createMemoryStorage(), flow.respond)
    const { storage, counts } = recordingSendCounts(createMemoryStorage())
    const b = await start(storage, flow.respond, a.secrets.tokenSecret)
    const { sending, page } = await sendThenPage(flow, a, b)
    // Served while A's send is still held: B knows nothing of it, as before.
    const r = await page
    expect(r.statusCode).toBe(200)
    expect(pageTraceIds(r)).toEqual([undefined])
    expect(counts.filter((n) => n > 0)).toEqual([])
    flow.release(true)
    expect((await sending).statusCode).toBe(202)
  })
})
