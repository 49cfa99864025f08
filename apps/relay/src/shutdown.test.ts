import { afterEach, describe, expect, it } from 'vitest'
import type { Relay } from './relay.js'
import { createMemoryStorage } from './storage/memory-storage.js'
import type { EventEnvelope, EventStorage } from './storage/types.js'
import { createTestRelay } from './testing/fake-flow.js'
import { rawClient } from './testing/raw-socket.js'
import { until } from './testing/sse-helpers.js'

const T = 'A|o_1'
const event = (text: string) =>
  `{"type":"message","payload":{"threadId":"${T}","messages":[{"fallback":"${text}"}]}}`

/** Rejects when `promise` takes longer than `ms`, naming `what`. */
function within<V>(promise: Promise<V>, ms: number, what: string): Promise<V> {
  return Promise.race([
    promise,
    new Promise<never>((_resolve, reject) =>
      setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms),
    ),
  ])
}

describe('close() has a deadline', () => {
  let relay: Relay | undefined
  afterEach(async () => {
    await relay?.close()
    relay = undefined
  })

  it('cuts connections still open at the deadline, keeps what it acknowledged, and closes storage', async () => {
    const inner = createMemoryStorage()
    const stored: EventEnvelope[] = []
    inner.subscribe({ thread: T }, (e) => stored.push(e))
    // Appends wait for the test's go: a webhook is in flight when close() starts.
    let release: () => void = () => undefined
    const gate = new Promise<void>((resolve) => (release = resolve))
    let appending = 0
    let storageClosed = false
    const storage: EventStorage = {
      ...inner,
      append: async (input) => {
        appending++
        await gate
        return inner.append(input)
      },
      close: async () => {
        storageClosed = true
        await inner.close()
      },
    }
    // The request timeout is off: only the shutdown deadline can end the slow bodies.
    // Flow.ai hangs on sends (until the test ends): a send is in flight too.
    let flowCalled = false
    let unhang: () => void = () => undefined
    const hanging = new Promise<undefined>((resolve) => (unhang = () => resolve(undefined)))
    const made = await createTestRelay({ storage, shutdownTimeoutMs: 400, requestTimeoutMs: 0 }, (call) => {
      if (!call.path.startsWith(`messages/`)) return undefined
      flowCalled = true
      return hanging
    })
    relay = made.relay
    const url = await relay.listen()
    const hook = `/webhooks/${made.secrets.webhookSecret}`
    const post = (path: string, body: string, length = Buffer.byteLength(body)) =>
      `POST ${path} HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n${body}`
    // Half-sent bodies on the webhook fast path and on the Fastify path.
    const slowHook = await rawClient(url, post(hook, '{"ty', 100))
    const slowSession = await rawClient(url, post('/v1/sessions', '{', 100))
    // A whole webhook, its append under way.
    const inFlight = await rawClient(url, post(hook, event('kept')))
    const token = await relay.issueToken({ threadId: T })
    const send = await rawClient(
      url,
      post(`/v1/threads/${encodeURIComponent(T)}/messages`, '{"type":"text","text":"hi"}').replace(
        'Host: a\r\n',
        `Host: a\r\nAuthorization: Bearer ${token}\r\n`,
      ),
    )
    await until(() => appending === 1 && flowCalled, 'the webhook to reach storage and the send Flow.ai')

    const started = Date.now()
    const closed = relay.close()
    release()
    await inFlight.closed
    expect(inFlight.status()).toBe(200)
    await within(closed, 5000, 'close()')
    expect(Date.now() - started).toBeGreaterThanOrEqual(350)
    await Promise.all([slowHook.closed, slowSession.closed, send.closed])
    expect(send.status()).toBeUndefined()
    unhang()
    expect(storageClosed).toBe(true)
    // What was answered 2xx is stored.
    expect(stored.map((e) => JSON.stringify(e.body))).toEqual([expect.stringContaining('kept')])
  })

  it('resolves at once when nothing is in flight', async () => {
    const made = await createTestRelay({ shutdownTimeoutMs: 60_000 })
    relay = made.relay
    await relay.listen()
    await within(relay.close(), 5000, 'close()')
  })
})
