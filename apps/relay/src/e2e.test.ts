import { afterEach, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator } from '@flowchat/emulator'
import { createRelay, type Relay } from './index.js'
import { createMemoryStorage } from './storage/memory-storage.js'
import type { EventEnvelope } from './storage/types.js'
import { testSecrets } from './testing/fake-flow.js'
import { openEventSource, until } from './testing/sse-helpers.js'

/** The relay between a browser-like client and the emulator, which delivers real webhooks back to it. */
describe('end to end with the emulator', () => {
  let relay: Relay | undefined
  let emulator: Emulator | undefined
  const closers: (() => void)[] = []
  afterEach(async () => {
    for (const c of closers.splice(0)) c()
    await relay?.close()
    await emulator?.close()
    relay = emulator = undefined
  })

  async function stack(
    options: { dialect?: 'current' | 'legacy'; auth?: 'raw' | 'bearer'; faults?: object } = {},
  ) {
    const secrets = testSecrets()
    const auth = options.auth ?? 'raw'
    // The emulator first (the relay needs its REST URL), then the relay, then the webhook (Flow.ai probes it).
    emulator = await startEmulator({
      port: 0,
      apiKey: secrets.apiKey,
      auth,
      dialect: options.dialect ?? 'current',
      replyDelayMs: 0,
      retry: { baseDelayMs: 20 },
      ...(options.faults ? { faults: options.faults } : {}),
    })
    relay = await createRelay({
      ...secrets,
      flowBaseUrl: emulator.restUrl,
      auth,
      storage: createMemoryStorage(),
    })
    await relay.listen()
    await emulator.addWebhook(relay.webhookUrl!)
    const session = (await (
      await fetch(`${relay.url}/v1/sessions`, {
        method: 'POST',
        body: '{"name":"Ann"}',
        headers: { 'content-type': 'application/json' },
      })
    ).json()) as { threadId: string; token: string }
    const streamUrl = `${relay.url}/v1/threads/${encodeURIComponent(session.threadId)}/events`
    const send = async (text: string, traceId?: string) => {
      const r = await fetch(`${relay!.url}/v1/threads/${encodeURIComponent(session.threadId)}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
        body: JSON.stringify({ type: 'text', text, ...(traceId ? { traceId } : {}) }),
      })
      expect(r.status).toBe(202)
      return (await r.json()) as { traceId: string; eventId: string }
    }
    const open = (url = streamUrl) => {
      const es = openEventSource(url, session.token)
      closers.push(() => es.source.close())
      return es
    }
    return { ...session, send, open, streamUrl, emulator }
  }

  const replyOf = (e: { data: Record<string, unknown> }) => e.data as unknown as EventEnvelope

  it.each([
    ['current', 'raw'],
    ['legacy', 'bearer'],
  ] as const)(
    'a text sent through the relay comes back as the bot reply on the SSE stream (%s, %s)',
    async (dialect, auth) => {
      const s = await stack({ dialect, auth })
      const es = s.open()
      await es.opened
      const { traceId } = await s.send('hello', 'trace-e2e')
      expect(traceId).toBe('trace-e2e')
      await until(() => es.received.some((e) => e.event === 'reply'), 'the bot reply')
      const sent = es.received.find((e) => e.event === 'sent')!
      expect(replyOf(sent)).toMatchObject({
        kind: 'sent',
        source: 'visitor',
        body: { payload: { speech: 'hello', traceId: 'trace-e2e' } },
      })
      const reply = replyOf(es.received.find((e) => e.event === 'reply')!)
      expect(reply).toMatchObject({ threadId: s.threadId, kind: 'reply', source: 'webhook' })
      expect(reply.type).toBe(dialect === 'current' ? 'message' : 'message.reply')
      expect(es.received.findIndex((e) => e.event === 'sent')).toBeLessThan(
        es.received.findIndex((e) => e.event === 'reply'),
      )
    },
  )

  it('reconnecting with the last id replays exactly what was missed', async () => {
    const s = await stack()
    const first = s.open()
    await first.opened
    await s.send('one')
    await until(() => first.received.some((e) => e.event === 'reply'), 'the first reply')
    await s.emulator.idle()
    const seen = first.received.length
    const last = first.received.at(-1)!.id
    first.source.close()
    await s.send('two')
    await s.send('three')
    await s.emulator.idle()
    const second = s.open(`${s.streamUrl}?lastEventId=${last}`)
    await until(() => second.received.filter((e) => e.event === 'reply').length >= 2, 'the missed replies')
    await s.emulator.idle()
    const all = [...first.received.slice(0, seen), ...second.received]
    const ids = all.map((e) => e.id)
    expect(new Set(ids).size).toBe(ids.length)
    const sentTexts = second.received
      .filter((e) => e.event === 'sent')
      .map((e) => (replyOf(e).body as { payload: { speech: string } }).payload.speech)
    expect(sentTexts).toEqual(['two', 'three'])
    expect(second.received.every((e) => e.event !== 'reset')).toBe(true)
  })

  it('stores duplicated and retried webhook deliveries once', async () => {
    const s = await stack({ faults: { duplicateRate: 1, failRate: 0.5, seed: 7 } })
    const es = s.open()
    await es.opened
    for (const text of ['a', 'b', 'c']) await s.send(text)
    await s.emulator.idle()
    await until(() => es.received.filter((e) => e.event === 'reply').length >= 3, 'three replies')
    const metrics = await (await fetch(`${relay!.url}/metrics`)).text()
    const deduplicated = Number(/flowchat_webhooks_deduplicated_total (\d+)/.exec(metrics)?.[1])
    expect(deduplicated).toBeGreaterThanOrEqual(3)
    const replies = es.received.filter((e) => e.event === 'reply')
    expect(replies).toHaveLength(3)
    expect(new Set(replies.map((e) => JSON.stringify(e.data.body))).size).toBe(3)
  })
})
