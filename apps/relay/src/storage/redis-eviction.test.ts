// A Redis that deletes keys when full (any maxmemory-policy but noeviction) can drop a thread's stream or a dedupe
// key: the relay says so when it connects, and again on every later connection (a failover's new master).
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { evictionRisk } from './redis-eviction.js'
import { createRedisStorage } from './redis-storage.js'
import {
  redisCommand,
  redisServerFlags,
  redisTempDir,
  requireRedisBinaries,
  sparePort,
  startRedisProcess,
  stopAllRedisServers,
} from './redis-servers-test-support.js'
import { testSecrets } from '../testing/fake-flow.js'
import { until } from '../testing/sse-helpers.js'

describe('evictionRisk', () => {
  it('names the policy and the limit when a full Redis would delete keys', () => {
    expect(evictionRisk('# Memory\r\nmaxmemory:104857600\r\nmaxmemory_policy:allkeys-lru\r\n')).toBe(
      'maxmemory-policy allkeys-lru with maxmemory 100 MiB',
    )
    // The relay's keys all expire, so the volatile policies take them too.
    expect(evictionRisk('maxmemory:1048576\r\nmaxmemory_policy:volatile-ttl\r\n')).toMatch(/volatile-ttl/)
  })

  it('is undefined for noeviction, for no limit (maxmemory 0) and for an answer without the fields', () => {
    expect(evictionRisk('maxmemory:104857600\r\nmaxmemory_policy:noeviction\r\n')).toBeUndefined()
    expect(evictionRisk('maxmemory:0\r\nmaxmemory_policy:allkeys-lru\r\n')).toBeUndefined()
    expect(evictionRisk('')).toBeUndefined()
  })
})

describe('a relay on a Redis that evicts keys', () => {
  let port: number
  beforeAll(async () => {
    await requireRedisBinaries()
    port = await sparePort()
    await startRedisProcess(port, redisServerFlags(port), await redisTempDir())
  })
  afterAll(() => stopAllRedisServers())

  const evicting = (policy: string) =>
    Promise.all([
      redisCommand(port, 'CONFIG', 'SET', 'maxmemory', '100mb'),
      redisCommand(port, 'CONFIG', 'SET', 'maxmemory-policy', policy),
    ])

  it('is reported when the storage connects, and again on a new connection', async () => {
    await evicting('noeviction')
    const reports: string[] = []
    const storage = createRedisStorage({
      url: `redis://127.0.0.1:${port}`,
      keyPrefix: `eviction-${Date.now()}`,
      onError: (error) => reports.push((error as Error).message),
    })
    try {
      expect(await storage.ready()).toBe(true)
      // The check runs after the first connection: an append's answer comes after its INFO.
      await storage.append({ key: 'k1', envelope: envelope() })
      expect(reports.filter((r) => r.includes('maxmemory'))).toEqual([])

      await evicting('volatile-lru')
      await redisCommand(port, 'CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes')
      await until(() => reports.some((r) => r.includes('maxmemory-policy volatile-lru')), 'the report')
      const report = reports.find((r) => r.includes('maxmemory-policy'))!
      expect(report).toMatch(
        /deletes keys when full \(maxmemory-policy volatile-lru with maxmemory 100 MiB\)/,
      )
      expect(report).toMatch(/Set `maxmemory-policy noeviction`/)
    } finally {
      await storage.close()
      await evicting('noeviction')
    }
  })

  it('is a warning of the CLI, which still starts', { timeout: 40_000 }, async () => {
    await evicting('allkeys-lru')
    const bin = fileURLToPath(new URL('../../bin/flowchat-relay.js', import.meta.url))
    const s = testSecrets()
    const child = spawn(process.execPath, [bin, '--port', '0', '--storage', 'redis'], {
      env: {
        PATH: process.env.PATH,
        FLOWCHAT_API_KEY: s.apiKey,
        FLOWCHAT_WEBHOOK_SECRET: s.webhookSecret,
        FLOWCHAT_TOKEN_SECRET: s.tokenSecret,
        FLOWCHAT_REDIS_URL: `redis://127.0.0.1:${port}`,
        FLOWCHAT_REDIS_KEY_PREFIX: `eviction-cli-${Date.now()}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()))
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    try {
      await until(() => out.includes('listening on'), 'the relay to listen', 20_000)
      await until(() => out.includes('maxmemory-policy allkeys-lru'), 'the warning', 20_000)
      expect(out).toMatch(/flowchat relay: redis storage: Redis deletes keys when full/)
    } finally {
      child.kill('SIGTERM')
      await exited
      await evicting('noeviction')
    }
  })
})

function envelope() {
  return {
    threadId: 'eviction|t1',
    kind: 'reply' as const,
    type: 'message',
    receivedAt: new Date().toISOString(),
    source: 'webhook' as const,
    body: { type: 'message', payload: { threadId: 'eviction|t1' } },
  }
}
