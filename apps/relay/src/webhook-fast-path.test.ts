import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { RelayLimits } from '@flowchat/core/protocol'
import { pino } from 'pino'
import { logRedaction } from './log-redaction.js'
import { createMetrics } from './metrics.js'
import type { Relay } from './relay.js'
import { createMemoryStorage } from './storage/memory-storage.js'
import type { EventStorage } from './storage/types.js'
import { captureLogs, createTestRelay } from './testing/fake-flow.js'
import { createRequestIds, createWebhookFastPath } from './webhook-fast-path.js'
import { createWebhookIngest } from './webhook-ingest.js'

const BODY_LIMIT = 64 * 1024
const T = 'A|o_1'

interface Answer {
  status: number
  headers: Record<string, string | undefined>
  body: string
}

/** A raw HTTP/1.1 request (fetch would add or normalise headers), answered with what matters for comparison. */
function send(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        port,
        host: '127.0.0.1',
        method: options.method ?? 'POST',
        path: options.path,
        headers: options.headers,
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (body += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: pick(res.headers), body }))
      },
    )
    req.on('error', reject)
    req.end(options.body)
  })
}

const pick = (headers: Record<string, string | string[] | undefined>) => ({
  'content-type': headers['content-type'] as string | undefined,
  'content-length': headers['content-length'] as string | undefined,
  'retry-after': headers['retry-after'] as string | undefined,
  connection: headers.connection as string | undefined,
})

const event = (threadId: string, extra = '') =>
  `{"type":"message","payload":{"threadId":"${threadId}","messages":[{"fallback":"hi"}]${extra}}}`

/** Deliveries whose answers cover every outcome of the webhook route. */
const deliveries: [string, string][] = [
  ['stored', event(T)],
  ['duplicate', event(T)],
  ['not JSON', '{not json'],
  ['not an event', '{"payload":{}}'],
  ['invalid thread id', '{"type":"message","payload":{"threadId":" ","messages":[]}}'],
  ['nested too deep', `${'['.repeat(RelayLimits.jsonDepth + 1)}${']'.repeat(RelayLimits.jsonDepth + 1)}`],
  // `1e20` is 4 bytes on the wire and 21 once serialised: 413 although the request is within the limit.
  ['too large once stored', event(T, `,"n":[${Array.from({ length: 12_000 }, () => '1e20').join(',')}]`)],
  ['project event', '{"type":"threads","payload":{"result":{"threads":[],"page":1,"pages":1}}}'],
]

describe('webhook fast path', () => {
  let relay: Relay | undefined
  const servers: Server[] = []
  afterEach(async () => {
    await relay?.close()
    relay = undefined
    for (const s of servers.splice(0)) s.close()
  })

  /** The fast path alone on a server that answers 599 to whatever it declines. */
  async function fastPathServer(
    webhookSecret: string,
    storage: EventStorage,
    extra: { closing?: () => boolean } = {},
  ) {
    const metrics = createMetrics({ defaultMetrics: false })
    const ingest = createWebhookIngest({
      storage,
      metrics,
      settings: { webhookSecret, bodyLimitBytes: BODY_LIMIT },
    })
    const logs = captureLogs()
    const log = pino({ level: 'info', ...logRedaction([webhookSecret]) }, logs.logger.stream)
    const fastPath = createWebhookFastPath({
      ingest,
      bodyLimitBytes: BODY_LIMIT,
      maxParamLength: 800,
      closing: extra.closing ?? (() => false),
      log,
      requestId: createRequestIds(),
      trustProxy: false,
    })
    const server = createServer((req, res) => {
      if (!fastPath(req, res)) res.writeHead(599).end()
    })
    servers.push(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return { port: (server.address() as AddressInfo).port, metrics, lines: logs.lines }
  }

  it('answers every outcome as the Fastify route does, byte for byte', async () => {
    const failing = createMemoryStorage()
    const broken: EventStorage = { ...failing, append: () => Promise.reject(new Error('disk on fire')) }
    const made = await createTestRelay({ bodyLimitBytes: BODY_LIMIT })
    relay = made.relay
    const secret = made.secrets.webhookSecret
    const fast = await fastPathServer(secret, createMemoryStorage())
    const headers = { 'content-type': 'application/json' }
    const viaFastify = async (path: string, body: string): Promise<Answer> => {
      const r = await made.relay.app.inject({ method: 'POST', url: path, headers, payload: body })
      return { status: r.statusCode, headers: pick(r.headers as Record<string, string>), body: r.body }
    }
    for (const [name, body] of deliveries) {
      const expected = await viaFastify(`/webhooks/${secret}`, body)
      expect(await send(fast.port, { path: `/webhooks/${secret}`, headers, body }), name).toEqual(expected)
    }
    const wrong = await viaFastify('/webhooks/not-the-secret', event(T))
    expect(wrong.status).toBe(404)
    expect(await send(fast.port, { path: '/webhooks/not-the-secret', headers, body: event(T) })).toEqual(
      wrong,
    )

    // Storage failing: 503 with Retry-After from both.
    const down = await createTestRelay({ bodyLimitBytes: BODY_LIMIT, storage: broken })
    const downFast = await fastPathServer(down.secrets.webhookSecret, broken)
    const url = `/webhooks/${down.secrets.webhookSecret}`
    const r = await down.relay.app.inject({ method: 'POST', url, headers, payload: event(T) })
    const fromFast = await send(downFast.port, { path: url, headers, body: event(T) })
    await down.relay.close()
    expect(fromFast.status).toBe(503)
    expect(fromFast).toEqual({
      status: r.statusCode,
      headers: pick(r.headers as Record<string, string>),
      body: r.body,
    })
    expect(fromFast.headers['retry-after']).toBe('5')
  })

  it('counts what it accepts and refuses in the metrics', async () => {
    const fast = await fastPathServer('wh-0123456789abcdef', createMemoryStorage())
    const headers = { 'content-type': 'application/json' }
    for (const body of [event(T), event(T), '{not json'])
      await send(fast.port, { path: '/webhooks/wh-0123456789abcdef', headers, body })
    await send(fast.port, { path: '/webhooks/wrong-secret', headers, body: event(T) })
    const text = await fast.metrics.render()
    expect(text).toMatch(/flowchat_webhooks_received_total 2/)
    expect(text).toMatch(/flowchat_webhooks_deduplicated_total 1/)
    expect(text).toMatch(/flowchat_webhooks_rejected_total\{reason="json"\} 1/)
    expect(text).toMatch(/flowchat_webhooks_rejected_total\{reason="secret"\} 1/)
  })

  it('leaves every other request shape to Fastify', async () => {
    let closing = false
    const fast = await fastPathServer('wh-0123456789abcdef', createMemoryStorage(), {
      closing: () => closing,
    })
    const path = '/webhooks/wh-0123456789abcdef'
    const json = { 'content-type': 'application/json' }
    const body = event(T)
    const declined: [string, Parameters<typeof send>[1]][] = [
      ['GET', { method: 'GET', path }],
      ['a query string', { path: `${path}?x=1`, headers: json, body }],
      ['a percent-encoded secret', { path: '/webhooks/wh%2D0123456789abcdef', headers: json, body }],
      ['a longer path', { path: `${path}/x`, headers: json, body }],
      ['a secret past the router limit', { path: `/webhooks/${'a'.repeat(801)}`, headers: json, body }],
      ['another content type', { path, headers: { 'content-type': 'text/plain' }, body }],
      ['no content type', { path, headers: {}, body }],
      ['an empty body', { path, headers: json, body: '' }],
      ['a chunked body', { path, headers: { ...json, 'transfer-encoding': 'chunked' }, body }],
      ['a body over the limit', { path, headers: json, body: `${body}${' '.repeat(BODY_LIMIT)}` }],
    ]
    for (const [name, options] of declined) expect((await send(fast.port, options)).status, name).toBe(599)
    expect((await send(fast.port, { path, headers: json, body })).status).toBe(200)
    closing = true
    expect((await send(fast.port, { path, headers: json, body })).status, 'closing').toBe(599)
  })

  it('logs the request lines Fastify logs for a webhook, with the secret redacted', async () => {
    const logs = captureLogs()
    const made = await createTestRelay({ logger: logs.logger })
    relay = made.relay
    await relay.listen()
    const post = (type: string) =>
      fetch(relay!.webhookUrl!, { method: 'POST', headers: { 'content-type': type }, body: event(T) })
    // JSON: the fast path; text/plain: declined, so Fastify's route answers and logs.
    expect((await post('application/json')).status).toBe(200)
    expect((await post('text/plain')).status).toBe(200)
    const lines = logs.lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'incoming request' || l.msg === 'request completed')
    expect(lines.map((l) => l.msg)).toEqual([
      'incoming request',
      'request completed',
      'incoming request',
      'request completed',
    ])
    const shape = (l: Record<string, unknown>) => ({
      ...l,
      time: 0,
      reqId: typeof l.reqId,
      responseTime: typeof l.responseTime,
      req: l.req === undefined ? undefined : { ...(l.req as object), remotePort: 0 },
    })
    expect(shape(lines[0]!)).toEqual(shape(lines[2]!))
    expect(shape(lines[1]!)).toEqual(shape(lines[3]!))
    expect(lines[0]!.req).toMatchObject({ method: 'POST', url: '/webhooks/[redacted]' })
    expect(lines[0]!.reqId).not.toBe(lines[2]!.reqId)
    expect(logs.lines.join('\n')).not.toContain(made.secrets.webhookSecret)
  })

  it('answers webhooks without CORS headers on both paths, however origins are configured', async () => {
    const made = await createTestRelay({ corsOrigins: ['https://shop.example'] })
    relay = made.relay
    const base = await relay.listen()
    const headers = { 'content-type': 'application/json', origin: 'https://shop.example' }
    const url = `/webhooks/${made.secrets.webhookSecret}`
    const viaFastify = await relay.app.inject({ method: 'POST', url, headers, payload: event(T) })
    const viaFastPath = await fetch(`${base}${url}`, { method: 'POST', headers, body: event('B|o_1') })
    for (const answer of [viaFastify.headers, Object.fromEntries(viaFastPath.headers)]) {
      expect(answer['access-control-allow-origin']).toBeUndefined()
      expect(answer.vary).toBeUndefined()
    }
    expect(viaFastify.statusCode).toBe(200)
    expect(viaFastPath.status).toBe(200)
    // Other routes keep their CORS answers.
    const session = await relay.app.inject({ method: 'POST', url: '/v1/sessions', headers })
    expect(session.headers['access-control-allow-origin']).toBe('https://shop.example')
  })
})
