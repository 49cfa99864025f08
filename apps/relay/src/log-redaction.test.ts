import { request as httpRequest } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { redactUrl, logRedaction } from './log-redaction.js'
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

/** Hex digits alternately lower and upper case: `%6A%6b…`. */
const mixedCase = (encoded: string) =>
  [...encoded].map((c, i) => (i % 2 === 0 ? c.toLowerCase() : c.toUpperCase())).join('')

describe('redaction of a secret spelled any way, with bad escapes around it', () => {
  const s = 'whsec_Abc.def~ghi-JKL0123'
  const enc = (text: string) => encodeAll(text, true)
  const spellings = [
    s,
    encodeAll(s),
    enc(s),
    mixedCase(encodeAll(s)),
    `${enc(s[0]!)}${s.slice(1)}`,
    `${s.slice(0, 5)}${enc(s.slice(5, 9))}${s.slice(9)}`,
    [...s].map((c, i) => (i % 3 === 0 ? encodeAll(c) : i % 3 === 1 ? enc(c) : c)).join(''),
    encodeAll(mixedCase(encodeAll(s))), // encoded twice: %2577…
    `${encodeAll('%')}${enc(s[0]!).slice(1)}${s.slice(1)}`, // %2577 then plain
  ]
  const around = (spelling: string) => [
    `%zz${spelling}`,
    `${spelling}%zz`,
    `%${spelling}%`,
    `%g1${spelling}%E`,
    `a%ZZb${spelling}x%2`,
  ]

  it.each(spellings.flatMap((spelling) => around(spelling).map((segment) => [segment])))(
    'hides %s in a URL and in a log line',
    (segment) => {
      for (const url of [`/v1/threads/${segment}/events`, `/x/${segment}`]) {
        const logged = redactUrl(url, [s])
        expect(logged, url).toContain('[redacted]')
        expect(logged, url).not.toContain(s.slice(6))
      }
      const line = JSON.stringify({ msg: `failed at /v1/threads/${segment}/events`, url: segment })
      const scrubbed = logRedaction([s]).hooks.streamWrite(line)
      expect(scrubbed).not.toContain(s.slice(6))
      expect(scrubbed).not.toContain(enc(s.slice(6, 12)))
      expect(scrubbed).toContain('[redacted]')
    },
  )

  it('leaves other text alone, and a secret differing in case is not the secret', () => {
    const { hooks } = logRedaction([s])
    const scrub = (line: string) => hooks.streamWrite(line)
    expect(scrub('{"url":"/v1/threads/abc%zz/events"}')).toBe('{"url":"/v1/threads/abc%zz/events"}')
    expect(scrub(s.toUpperCase())).toBe(s.toUpperCase())
    expect(redactUrl(`/v1/threads/${s.toUpperCase()}/events`, [s])).toBe(
      `/v1/threads/${s.toUpperCase()}/events`,
    )
  })
})

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
      `/v1/threads/%zz${encodeAll(s.slice(0, 1), true)}${s.slice(1)}/events`,
      `/v1/threads/${mixedCase(encodeAll(s))}%/events`,
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
