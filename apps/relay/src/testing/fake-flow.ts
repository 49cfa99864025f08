import { randomBytes } from 'node:crypto'
import { Writable } from 'node:stream'
import { createRelay, type Relay, type RelayOptions } from '../relay.js'

/** One request the relay made to the fake Flow.ai. */
export interface FlowCall {
  method: string
  path: string
  headers: Headers
  body: string
}

export type FlowResponder = (call: FlowCall) => Response | undefined | Promise<Response | undefined>

/**
 * A fake Flow.ai REST API as an injected `fetch`: records each call, answers `{"status":"ok"}` or sync data,
 * unless `respond` answers first.
 */
export function createFakeFlow(respond?: FlowResponder) {
  const calls: FlowCall[] = []
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
  const fetchImpl: typeof fetch = async (input, init) => {
    const request = new Request(input, init)
    const url = new URL(request.url)
    const call: FlowCall = {
      method: request.method,
      path: decodeURIComponent(url.pathname.replace(/^\/rest\/v1\//, '')) + url.search,
      headers: request.headers,
      body: await request.text(),
    }
    calls.push(call)
    const custom = await respond?.(call)
    if (custom) return custom
    if (call.path.startsWith('messages/') && call.path.includes('sync=true')) {
      return json({
        status: 'ok',
        result: { history: [], threadId: call.path.split(/[/?]/)[1], page: 1, pages: 1 },
      })
    }
    if (call.path.startsWith('threads?sync'))
      return json({ status: 'ok', result: { threads: ['a', 'b'], page: '1', pages: 1 } })
    if (call.path.startsWith('trigger/event?sync'))
      return json({ status: 'ok', result: { items: ['welcome'] } })
    if (call.path.startsWith('businesshours?sync'))
      return json({ status: 'ok', businessHours: [{ label: 'office' }] })
    if (call.path.startsWith('pause/') && call.path.includes('sync=true'))
      return json({ status: 'ok', isPaued: true })
    return json({ status: 'ok' })
  }
  return { calls, fetch: fetchImpl, json }
}

/** Random secrets, made at run time: none is ever written into the repo. */
export function testSecrets() {
  return {
    apiKey: `key-${randomBytes(16).toString('hex')}`,
    webhookSecret: `wh-${randomBytes(16).toString('hex')}`,
    tokenSecret: randomBytes(32).toString('hex'),
    operatorPassword: `op-${randomBytes(12).toString('hex')}`,
  }
}

/** Captures a relay's log lines (pino JSON) in memory. */
export function captureLogs() {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'))
      cb()
    },
  })
  return { lines, logger: { level: 'debug', stream } }
}

/**
 * A relay against the fake Flow.ai with random secrets and quiet defaults.
 *
 * @example
 * const { relay, flow, secrets } = await createTestRelay()
 */
export async function createTestRelay(
  overrides: Partial<RelayOptions> = {},
  respond?: FlowResponder,
): Promise<{
  relay: Relay
  flow: ReturnType<typeof createFakeFlow>
  secrets: ReturnType<typeof testSecrets>
}> {
  const secrets = testSecrets()
  const flow = createFakeFlow(respond)
  const relay = await createRelay({
    ...secrets,
    flowBaseUrl: 'http://flow.test/rest/v1/',
    fetch: flow.fetch,
    ...overrides,
  })
  return { relay, flow, secrets }
}

/**
 * Relays of one deployment serving one thread (instances behind a balancer, or one restarted): each `start` makes
 * a relay on `storage` whose Flow.ai answers with `respond`, logging to memory, with a visitor token for
 * `threadId`; pass the first one's token secret to the others so a token is good on all. `closeAll` after each test.
 *
 * @example
 * const relays = relaysOfOneThread('A|o_1')
 * afterEach(() => relays.closeAll())
 * const a = await relays.start(storage, respond)
 * const b = await relays.start(storage, respond, a.secrets.tokenSecret)
 */
export function relaysOfOneThread(threadId: string) {
  const relays: Relay[] = []
  return {
    start: async (storage: RelayOptions['storage'], respond: FlowResponder, tokenSecret?: string) => {
      const logs = captureLogs()
      const made = await createTestRelay(
        { storage, logger: logs.logger, ...(tokenSecret ? { tokenSecret } : {}) },
        respond,
      )
      relays.push(made.relay)
      const token = await made.relay.issueToken({ threadId, name: 'Ann' })
      return { ...made, token, logs }
    },
    closeAll: async () => {
      // `close` may be called again: a test that closed one itself (a restart) has it closed once.
      await Promise.all(relays.splice(0).map((r) => r.close()))
    },
  }
}
