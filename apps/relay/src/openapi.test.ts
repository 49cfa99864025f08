import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { relayRoutes } from '@flowchat/core/protocol'
import { fastifyPath } from './register-route.js'
import type { Relay } from './relay.js'
import { createTestRelay } from './testing/fake-flow.js'

const run = promisify(execFile)
const redocly = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.bin', 'redocly')

interface Operation {
  operationId?: string
  parameters?: { name: string; in: string }[]
}
type Doc = { paths: Record<string, Record<string, Operation>>; components: Record<string, unknown> }

describe('GET /openapi.json', () => {
  let relay: Relay
  let secrets: { webhookSecret: string; operatorPassword: string }
  let url: string
  let doc: Doc
  beforeAll(async () => {
    ;({ relay, secrets } = await createTestRelay())
    url = await relay.listen()
    doc = (await (await fetch(`${url}/openapi.json`)).json()) as Doc
  })
  afterAll(async () => relay.close())

  it('passes @redocly/cli lint with the recommended rules: 0 errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowchat-openapi-'))
    try {
      const file = join(dir, 'openapi.json')
      writeFileSync(file, JSON.stringify(doc))
      const result = await run(redocly, ['lint', file, '--extends=recommended', '--format=json'], {
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        timeout: 120_000,
        maxBuffer: 16 * 1024 * 1024,
      }).catch((error: { stdout?: string; stderr?: string }) => ({
        stdout: error.stdout ?? '',
        stderr: error.stderr ?? '',
      }))
      const report = JSON.parse(result.stdout) as {
        totals: { errors: number }
        problems: { ruleId: string; message: string; severity: string }[]
      }
      const errors = report.problems.filter((p) => p.severity === 'error')
      expect(errors.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([])
      expect(report.totals.errors).toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('names every operation, defines every path parameter and the security schemes', () => {
    const ids = new Set<string>()
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const op of Object.values(ops)) {
        expect(op.operationId).toBeTruthy()
        expect(ids.has(op.operationId as string)).toBe(false)
        ids.add(op.operationId as string)
        for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
          expect(op.parameters?.some((p) => p.in === 'path' && p.name === name)).toBe(true)
        }
      }
    }
    expect(ids.size).toBe(relayRoutes.length)
    expect(doc.paths['/webhooks/{secret}']?.post?.parameters).toContainEqual(
      expect.objectContaining({ name: 'secret', in: 'path', required: true }),
    )
    expect(Object.keys(doc.components.securitySchemes as object)).toEqual(
      expect.arrayContaining(['threadToken', 'operatorToken', 'accessTokenQuery']),
    )
    expect(doc.components.schemas).toHaveProperty('RelayError')
  })

  it('documents every route Fastify serves', () => {
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${fastifyPath(path)}`),
      ),
    )
    // HEAD twins of GETs and the CORS preflight are Fastify's own, not API operations.
    const served = relay.routes.filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS')
    expect(served.length).toBe(relayRoutes.length)
    for (const r of served) expect(documented, `${r.method} ${r.url}`).toContain(`${r.method} ${r.url}`)
  })

  it('every documented operation answers (no 404) over HTTP', async () => {
    const operator = await relay.issueToken({ operator: 'ops' })
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const target = path
          .replace('{threadId}', encodeURIComponent('A|o_1'))
          .replace('{secret}', encodeURIComponent(secrets.webhookSecret))
        const isOperatorSession = op.operationId === 'createOperatorSession'
        const abort = new AbortController()
        const body = method === 'post' ? bodyFor(op.operationId) : undefined
        const response = await fetch(`${url}${target}`, {
          method: method.toUpperCase(),
          signal: abort.signal,
          headers: {
            authorization: `Bearer ${isOperatorSession ? secrets.operatorPassword : operator}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        })
        // SSE answers never end: the status is enough.
        abort.abort()
        expect(response.status, `${method.toUpperCase()} ${path}`).not.toBe(404)
        expect(response.status, `${method.toUpperCase()} ${path}`).toBeLessThan(500)
      }
    }
  })
})

function bodyFor(operationId: string | undefined): unknown {
  switch (operationId) {
    case 'sendMessage':
      return { type: 'text', text: 'hi' }
    case 'triggerEvent':
      return { eventName: 'welcome' }
    case 'receiveWebhook':
      return { type: 'message', threadId: 'A|o_1', payload: {} }
    default:
      return {}
  }
}
