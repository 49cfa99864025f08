import { request as httpRequest } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { redactUrl } from './log-redaction.js'
import type { Relay } from './relay.js'
import { captureLogs, createTestRelay } from './testing/fake-flow.js'

/** A request with the path exactly as given (fetch would normalise `//`, `..` and case of escapes). */
function raw(url: string, method: string, path: string) {
  return new Promise<number>((resolve, reject) => {
    const req = httpRequest(
      `${url}/`,
      { method, headers: method === 'POST' ? { 'content-type': 'application/json' } : {} },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      },
    )
    req.on('error', reject)
    req.path = path
    req.end(method === 'POST' ? '{"type":"message","payload":{}}' : undefined)
  })
}

const encodeAll = (s: string, lower = false) =>
  [...Buffer.from(s)]
    .map((b) => `%${lower ? b.toString(16) : b.toString(16).toUpperCase()}`.padStart(3, '0'))
    .join('')

describe('the webhook secret never reaches the logs, whatever the path spelling', () => {
  let relay: Relay | undefined
  afterEach(async () => relay?.close())

  it('redacts it from the real pino output of a relay logging at debug, for every spelling and answer', async () => {
    const logs = captureLogs()
    const made = await createTestRelay({ logger: logs.logger })
    relay = made.relay
    const url = await relay.listen()
    const s = made.secrets.webhookSecret
    const half = s.length >> 1
    const partly = `${s.slice(0, half)}${encodeAll(s.slice(half, half + 2), true)}${s.slice(half + 2)}`
    const spellings = [
      `/webhooks/${s}`,
      `//webhooks/${s}`,
      `/Webhooks/${s}`,
      `/WEBHOOKS/${s}`,
      `/%77ebhooks/${s}`,
      `/v1/../webhooks/${s}`,
      `/v1/%2e%2e/webhooks/${s}`,
      `/webhooks/${s}/`,
      `/webhooks/${s}?x=1`,
      `/webhooks/${s}#frag`,
      `/webhooks/${encodeAll(s)}`,
      `/webhooks/${encodeAll(s, true)}`,
      `/webhooks/${partly}`,
      `/webhooks/${encodeAll(encodeAll(s))}`,
      `/webhooks/${s}%ZZ`,
      `/webhooks/${s}${'x'.repeat(900)}`,
      `/nowhere/${s}`,
      `/nowhere/${s}x/deeper`,
      `/v1/threads/${s}/messages`,
      `/v1/threads/${s}%/events`,
      `/v1/threads/x/events?access_token=${s}`,
      `/${s}`,
    ]
    const statuses: Record<string, number> = {}
    for (const path of spellings) {
      for (const method of ['GET', 'POST']) statuses[`${method} ${path}`] = await raw(url, method, path)
    }
    // The spellings reach the webhook route, the router's own refusals (400, 414) and 404s.
    expect(Object.values(statuses)).toContain(200)
    expect(Object.values(statuses)).toContain(404)
    expect(Object.values(statuses)).toContain(414)
    expect(Object.values(statuses)).toContain(400)

    // The URL serializer alone (without the line scrub behind it) hides every spelling.
    for (const path of spellings) {
      const logged = redactUrl(path, [s])
      expect(logged, path).not.toContain(s.slice(0, half))
      expect(logged, path).not.toContain(s.slice(half + 2))
    }

    const all = logs.lines.join('')
    expect(logs.lines.length).toBeGreaterThan(spellings.length)
    expect(all).toContain('[redacted]')
    for (const form of [s, encodeAll(s), encodeAll(s, true), partly, encodeURIComponent(s)]) {
      expect(all).not.toContain(form)
    }
    // Nor a long enough piece of it, however the rest was spelled.
    expect(all).not.toContain(s.slice(0, half))
    expect(all).not.toContain(s.slice(half + 2))
  })
})
