import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { parseWebhookEvent } from '@flowchat/core/schemas'
import { startEmulator, type EmulatorOptions, type LogEntry } from './index.js'
import { client, text } from './testing/client.js'
import { startReceiver, type Answer, type Received } from './testing/webhook-receiver.js'

const open: { close(): Promise<void> }[] = []
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close()
})

async function setup(answer: (req: Received, attempt: number) => Answer, options: EmulatorOptions = {}) {
  const receiver = await startReceiver(answer)
  const logs: LogEntry[] = []
  const emulator = await startEmulator({
    retry: { baseDelayMs: 20, maxDelayMs: 400, timeoutMs: 300 },
    webhooks: [receiver.url],
    logger: (entry) => logs.push(entry),
    ...options,
  })
  open.push(receiver, emulator)
  return { receiver, emulator, logs, api: client(emulator) }
}

const retriesOf = (logs: LogEntry[], id: string) =>
  logs.filter((l) => l.event === 'webhook.retry' && l.id === id).map((l) => l.delayMs as number)

/** POSTs grouped by event id, in arrival order. */
const attemptsById = (posts: Received[]) => {
  const map = new Map<string, Received[]>()
  for (const p of posts) map.set(p.json.id as string, [...(map.get(p.json.id as string) ?? []), p])
  return map
}

describe('webhook delivery', () => {
  it('retries a failing receiver (500) with growing delays and the same bytes every time', async () => {
    const { emulator, receiver, logs, api } = await setup((_, attempt) => ({
      status: attempt < 3 ? 500 : 204,
    }))
    await api.send('r1', text('just echo this'))
    await emulator.idle()
    const [id, attempts] = [...attemptsById(receiver.posts())][0]!
    expect(attempts).toHaveLength(4)
    expect(new Set(attempts.map((a) => a.body)).size).toBe(1)
    expect(attempts.map((a) => a.headers['x-flowchat-event-id'])).toEqual([id, id, id, id])
    const delays = retriesOf(logs, id)
    expect(delays).toEqual([...delays].sort((a, b) => a - b))
    expect(delays[2]!).toBeGreaterThan(delays[0]!)
  })

  it('counts a redirect (302) as a failure and does not follow it', async () => {
    const target = await startReceiver()
    open.push(target)
    const { emulator, receiver, api } = await setup((_, attempt) =>
      attempt < 2 ? { status: 302, location: target.url } : { status: 200 },
    )
    await api.send('r2', text('just echo this'))
    await emulator.idle()
    expect(receiver.posts()).toHaveLength(3)
    expect(target.posts()).toHaveLength(0)
  })

  it('counts a timeout as a failure and retries', async () => {
    const { emulator, receiver, logs, api } = await setup(
      (_, attempt) => (attempt === 0 ? 'hang' : { status: 200 }),
      {
        retry: { baseDelayMs: 10, maxDelayMs: 100, timeoutMs: 150 },
      },
    )
    await api.send('r3', text('just echo this'))
    await emulator.idle()
    expect(receiver.posts()).toHaveLength(2)
    expect(logs.find((l) => l.event === 'webhook.retry')?.reason).toMatch(/no answer within 150 ms/)
  })

  it('keeps the order per thread while an earlier event is retried, and delivers other threads meanwhile', async () => {
    // The first event of thread A fails 3 times; A's next events must wait, B's need not.
    let failedOnce = false
    const { emulator, receiver, api } = await setup((req, attempt) => {
      if (req.json.payload.threadId === 'A' && !failedOnce) {
        if (attempt >= 2) failedOnce = true
        return { status: 503 }
      }
      return { status: 200 }
    })
    await api.send('A', text('typing'))
    await api.send('B', text('typing'))
    await emulator.idle()
    const delivered = (thread: string) => {
      const seen = new Set<string>()
      return receiver
        .posts()
        .filter((p) => p.json.payload.threadId === thread)
        .map((p) => p.json.payload.messages[0].fallback as string)
        .filter((f) => !seen.has(f) && seen.add(f))
    }
    const expected = ['One moment…', 'Still thinking…', 'Done: this reply came in three parts.']
    expect(delivered('A')).toEqual(expected)
    expect(delivered('B')).toEqual(expected)
    const firstA = receiver
      .posts()
      .findIndex(
        (p) => p.json.payload.threadId === 'A' && p.json.payload.messages[0].fallback === expected[1],
      )
    const lastB = receiver.posts().findLastIndex((p) => p.json.payload.threadId === 'B')
    expect(lastB).toBeLessThan(firstA)
  })

  it('gives up after the max age and goes on with the thread', async () => {
    const { emulator, receiver, logs, api } = await setup(
      (req) => ({ status: req.json.payload.messages[0].fallback === 'One moment…' ? 500 : 200 }),
      { retryMaxAgeMs: 200, retry: { baseDelayMs: 20, maxDelayMs: 1000, timeoutMs: 300 } },
    )
    await api.send('g1', text('typing'))
    await emulator.idle()
    const gaveUp = logs.filter((l) => l.event === 'webhook.gave_up')
    expect(gaveUp).toHaveLength(1)
    const attempts = receiver.posts().filter((p) => p.json.payload.messages[0].fallback === 'One moment…')
    expect(attempts.length).toBeGreaterThan(1)
    expect(gaveUp[0]!.attempts).toBe(attempts.length)
    expect(receiver.posts().at(-1)!.json.payload.messages[0].fallback).toBe(
      'Done: this reply came in three parts.',
    )
  })

  it("never logs the secret a webhook URL carries (the relay's /webhooks/<secret>, a password, a query)", async () => {
    // Made for this run: no secret-shaped constant in the repository.
    const [secret, password, token] = [24, 8, 6].map((n) => randomBytes(n).toString('hex'))
    const receiver = await startReceiver((_, attempt) => ({ status: attempt < 2 ? 500 : 200 }))
    const logs: LogEntry[] = []
    const url = new URL(receiver.url)
    const webhook = `http://ops:${password}@${url.host}/webhooks/${secret}?token=${token}`
    const emulator = await startEmulator({
      retry: { baseDelayMs: 20, maxDelayMs: 400, timeoutMs: 300 },
      webhooks: [webhook],
      logger: (entry) => logs.push(entry),
    })
    open.push(receiver, emulator)
    await client(emulator).send('s1', text('just echo this'))
    await emulator.idle()
    const messages = logs.map((l) => l.message)
    expect(logs.map((l) => l.event)).toEqual(
      expect.arrayContaining(['webhook.probe', 'webhook.retry', 'webhook.delivered']),
    )
    for (const message of messages)
      for (const part of [secret, password, token]) expect(message).not.toContain(part)
    expect(messages).toContain(
      `webhook http://${url.host}/webhooks/[redacted]?[redacted] answered the GET probe (200)`,
    )
  })

  it('probes the webhooks given at start side by side: two that never answer delay start-up once, not twice', async () => {
    const gets: string[] = []
    const silent = createServer((req) => gets.push(req.url ?? ''))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    open.push({ close: () => new Promise((resolve) => silent.close(() => resolve())) })
    const base = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`
    const seenAtFirstFailure: number[] = []
    const emulator = await startEmulator({
      retry: { timeoutMs: 300 },
      webhooks: [`${base}/a`, `${base}/b`],
      logger: (entry) => {
        if (entry.event === 'webhook.probe_failed') seenAtFirstFailure.push(gets.length)
      },
    })
    open.push({ close: () => emulator.close().then(() => silent.closeAllConnections()) })
    // Probed one after the other, /b was only asked once /a had timed out.
    expect(seenAtFirstFailure[0]).toBe(2)
    expect(gets.sort()).toEqual(['/a', '/b'])
  })

  it('says how many deliveries it drops when closed while they are pending', async () => {
    const { emulator, receiver, logs, api } = await setup(() => 'hang', { retry: { timeoutMs: 60_000 } })
    await api.send('c1', text('typing'))
    await receiver.waitFor((posts) => posts.length > 0, 5000)
    await emulator.close()
    expect(logs.filter((l) => l.event === 'webhook.dropped').map((l) => l.message)).toEqual([
      'stopped with 3 webhook deliveries not done (queued or in flight); they are dropped',
    ])
  })

  it.each([
    [{ retry: { baseDelayMs: 0 } }, 'retry.baseDelayMs: must be a number from 1 to 2147483647'],
    [{ retry: { maxDelayMs: 0 } }, 'retry.maxDelayMs: must be a number from 1 to 2147483647'],
    [{ retry: { timeoutMs: 0 } }, 'retry.timeoutMs: must be a number from 1 to 2147483647'],
    [{ faults: { delayMs: 2 ** 31 } }, 'faults.delayMs: must be a number from 0 to 2147483647'],
    [{ latencyMs: 2 ** 31 } satisfies EmulatorOptions, 'latencyMs: must be a number from 0 to 2147483647'],
    // new URL()'s bare "Invalid URL", after the server had started listening.
    [
      { webhooks: ['127.0.0.1:8788/hook'] },
      'webhooks[0] 127.0.0.1:8788/hook: must be an absolute http(s) URL',
    ],
    [
      { webhooks: ['ftp://example.com/hook'] },
      'webhooks[0] ftp://example.com/hook: must be an http or https URL',
    ],
  ] as [EmulatorOptions, string][])(
    'refuses options that cannot work (a busy retry loop, a wait no timer holds, a webhook that is no http URL): %j',
    async (options, message) => {
      await expect(startEmulator(options)).rejects.toThrow(new RangeError(message))
    },
  )

  it('duplicates deliveries byte for byte with duplicateRate 1', async () => {
    const { emulator, receiver, api } = await setup(() => ({ status: 200 }), {
      faults: { duplicateRate: 1, seed: 1 },
    })
    await api.send('d1', text('just echo this'))
    await emulator.idle()
    const posts = receiver.posts()
    expect(posts).toHaveLength(2)
    expect(posts[0]!.body).toBe(posts[1]!.body)
  })

  it('fails a fraction of attempts with failRate and still delivers everything once, in order', async () => {
    const { emulator, receiver, logs, api } = await setup(() => ({ status: 200 }), {
      faults: { failRate: 0.5, seed: 7, delayMs: 5, reorder: true },
    })
    await api.send('f1', text('all'))
    await emulator.idle()
    expect(logs.some((l) => l.event === 'webhook.retry' && l.reason === 'failed by the failRate fault')).toBe(
      true,
    )
    const fallbacks = receiver.posts().map((p) => p.json.payload.messages[0].responses[0].type as string)
    expect(fallbacks).toEqual([
      'text',
      'text',
      'image',
      'video',
      'audio',
      'file',
      'location',
      'card',
      'buttons',
      'carousel',
      'list',
    ])
  })

  it('probes a webhook added later with GET, delivers to it, and stops after removal', async () => {
    const { emulator, receiver, api } = await setup(() => ({ status: 200 }))
    const second = await startReceiver()
    open.push(second)
    await emulator.addWebhook(second.url)
    expect(second.requests.map((r) => r.method)).toEqual(['GET'])
    await api.send('w1', text('just echo this'))
    await emulator.idle()
    expect(second.posts()).toHaveLength(1)
    expect(second.posts()[0]!.body).toBe(receiver.posts()[0]!.body)
    emulator.removeWebhook(second.url)
    await api.send('w1', text('again'))
    await emulator.idle()
    expect(second.posts()).toHaveLength(1)
    expect(receiver.posts()).toHaveLength(2)
    for (const p of receiver.posts()) expect(parseWebhookEvent(p.json).ok).toBe(true)
  })
})
