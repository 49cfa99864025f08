// A relay started against a Redis that refuses its password stops at once, saying so, instead of waiting out the
// 30 s it gives a Redis that does not answer yet: a wrong password is not fixed by waiting.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  redisCommand,
  redisServerFlags,
  redisTempDir,
  requireRedisBinaries,
  sparePort,
  startRedisProcess,
  stopAllRedisServers,
} from './storage/redis-servers-test-support.js'
import { testSecrets } from './testing/fake-flow.js'

const bin = fileURLToPath(new URL('../bin/flowchat-relay.js', import.meta.url))
let port: number

beforeAll(async () => {
  await requireRedisBinaries()
  port = await sparePort()
  await startRedisProcess(port, redisServerFlags(port), await redisTempDir())
  await redisCommand(port, 'CONFIG', 'SET', 'requirepass', 'the-right-password')
})
afterAll(() => stopAllRedisServers())

/** The CLI on Redis storage at `url`, its output collected. */
function spawnRelay(url: string) {
  const s = testSecrets()
  const child = spawn(process.execPath, [bin, '--port', '0', '--storage', 'redis'], {
    env: {
      PATH: process.env.PATH,
      FLOWCHAT_API_KEY: s.apiKey,
      FLOWCHAT_WEBHOOK_SECRET: s.webhookSecret,
      FLOWCHAT_TOKEN_SECRET: s.tokenSecret,
      FLOWCHAT_REDIS_URL: url,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const out = { stdout: '', stderr: '' }
  child.stdout.on('data', (chunk: Buffer) => (out.stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()))
  // Killed if still running after 25 s: the test then fails on the exit code.
  const timer = setTimeout(() => child.kill('SIGKILL'), 25_000)
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve(code)
    }),
  )
  return { child, out, exited }
}

describe('the relay CLI on a Redis that refuses its credentials', () => {
  it.each([
    ['a wrong password', 'redis://:a-wrong-password@127.0.0.1:{port}', /WRONGPASS/],
    ['no password', 'redis://127.0.0.1:{port}', /NOAUTH/],
  ])(
    'stops with exit code 1 naming the refusal when given %s',
    { timeout: 40_000 },
    async (_, url, reply) => {
      const { out, exited } = spawnRelay(url.replace('{port}', String(port)))
      expect(await exited, out.stderr).toBe(1)
      expect(out.stderr).toMatch(/could not start: Redis \(--redis-url\) refused the relay's credentials/)
      expect(out.stderr).toMatch(reply)
      // Neither the password given nor the URL holding it is echoed.
      expect(out.stderr + out.stdout).not.toContain('a-wrong-password')
      expect(out.stderr + out.stdout).not.toContain('redis://')
    },
  )

  it('stops with exit code 1 naming a database Redis does not have', { timeout: 40_000 }, async () => {
    // ioredis logs the refused SELECT and carries on in database 0: the relay then wrote its log where it was not
    // told to, shared with whatever else uses database 0.
    const { out, exited } = spawnRelay(`redis://:the-right-password@127.0.0.1:${port}/99`)
    expect(await exited, out.stderr).toBe(1)
    expect(out.stderr).toMatch(
      /could not start: Redis \(--redis-url\) refused the database --redis-url selects \(ERR DB index is out of range\)/,
    )
    expect(out.stderr + out.stdout).not.toContain('the-right-password')
    expect(out.stdout).not.toContain('listening on')
  })

  it('starts with the right password', { timeout: 40_000 }, async () => {
    const { child, out, exited } = spawnRelay(`redis://:the-right-password@127.0.0.1:${port}`)
    try {
      await expect.poll(() => out.stdout, { timeout: 30_000, interval: 50 }).toMatch(/listening on /)
    } finally {
      child.kill('SIGTERM')
    }
    expect(await exited).toBe(0)
  })
})
