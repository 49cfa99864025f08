import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, relayOptions } from './config.js'
import { testSecrets } from './testing/fake-flow.js'

const env = () => {
  const s = testSecrets()
  return {
    FLOWCHAT_API_KEY: s.apiKey,
    FLOWCHAT_WEBHOOK_SECRET: s.webhookSecret,
    FLOWCHAT_TOKEN_SECRET: s.tokenSecret,
  }
}

describe('configuration', () => {
  it('reads FLOWCHAT_* variables, flags win, defaults fill the rest', () => {
    const e = { ...env(), FLOWCHAT_PORT: '9000', FLOWCHAT_CORS_ORIGINS: 'https://a.example, *' }
    const config = loadConfig(['--port', '9100', '--auth', 'bearer'], e)
    expect(config).toMatchObject({
      port: 9100,
      auth: 'bearer',
      corsOrigins: ['https://a.example', '*'],
      storage: 'memory',
    })
    const options = relayOptions(config)
    expect(options.flowBaseUrl).toBe('https://api.flow.ai/rest/v1/')
    expect(options.retention).toEqual({ maxEvents: 1000, maxAgeMs: 86_400_000 })
  })

  it('names every missing or bad setting and never echoes a secret', () => {
    const e = { ...env(), FLOWCHAT_TOKEN_SECRET: 'short-secret-value', FLOWCHAT_AUTH: 'basic' }
    delete (e as Record<string, string>).FLOWCHAT_API_KEY
    let error: unknown
    try {
      loadConfig(['--port', '70000'], e)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ConfigError)
    const message = (error as Error).message
    expect(message).toMatch(/--api-key \(FLOWCHAT_API_KEY\): required/)
    expect(message).toMatch(/--token-secret \(FLOWCHAT_TOKEN_SECRET\): must be at least 32 characters/)
    expect(message).toMatch(/--auth \(FLOWCHAT_AUTH\)/)
    expect(message).toMatch(/--port \(FLOWCHAT_PORT\)/)
    expect(message).not.toContain('short-secret-value')
  })

  it('needs a Redis URL for redis storage', () => {
    expect(() => loadConfig(['--storage', 'redis'], env())).toThrow(/--redis-url \(FLOWCHAT_REDIS_URL\)/)
  })

  it('the CLI exits 2 on bad configuration, and prints a verifiable token', async () => {
    const bin = fileURLToPath(new URL('../bin/flowchat-relay.js', import.meta.url))
    const run = (args: string[], extra: Record<string, string>) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [bin, ...args],
          { env: { PATH: process.env.PATH, ...extra } },
          (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
        )
      })
    const e = env()
    const bad = await run([], { ...e, FLOWCHAT_WEBHOOK_SECRET: 'tiny' })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--webhook-secret \(FLOWCHAT_WEBHOOK_SECRET\)/)
    expect(bad.stderr).not.toContain(e.FLOWCHAT_API_KEY)
    const token = await run(['token', '--thread', 't1|o_1', '--name', 'Ann'], e)
    expect(token.code).toBe(0)
    const claims = JSON.parse(
      Buffer.from(token.stdout.trim().split('.')[1]!, 'base64url').toString(),
    ) as Record<string, unknown>
    expect(claims).toMatchObject({ scope: 'thread', sub: 't1|o_1', name: 'Ann' })
  })
})
