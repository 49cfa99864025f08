import { randomBytes } from 'node:crypto'
import { execFile, spawn } from 'node:child_process'
import { createServer, type ServerResponse } from 'node:http'
import { createServer as createNetServer } from 'node:net'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { ConfigError, loadConfig, redisNodes, relayOptions } from './config.js'
import { createRelay } from './relay.js'
import { validateRelayOptions } from './resolve-settings.js'
import { testSecrets } from './testing/fake-flow.js'

const env = (extra: Record<string, string> = {}) => {
  const s = testSecrets()
  return {
    FLOWCHAT_API_KEY: s.apiKey,
    FLOWCHAT_WEBHOOK_SECRET: s.webhookSecret,
    FLOWCHAT_TOKEN_SECRET: s.tokenSecret,
    ...extra,
  }
}

function thrown(f: () => unknown): Error {
  try {
    f()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected an error')
}

/** Whether this process may listen on `host:port` (port 80: root on Linux, and the address must exist). */
const canListen = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createNetServer()
    server.once('error', () => resolve(false))
    server.listen(port, host, () => server.close(() => resolve(true)))
  })

/**
 * A module for `--import` that has a server asked for port 80 listen on a free port and report 80 as its address:
 * what a relay on port 80 sees, for a test that may not listen there.
 */
const reportPort80 = `data:text/javascript,${encodeURIComponent(`
import net from 'node:net'
const { listen, address } = net.Server.prototype
const as80 = new WeakSet()
net.Server.prototype.listen = function (options, ...rest) {
  if (options && typeof options === 'object' && Number(options.port) === 80) {
    as80.add(this)
    options = { ...options, port: 0 }
  }
  return listen.call(this, options, ...rest)
}
net.Server.prototype.address = function () {
  const a = address.call(this)
  return as80.has(this) && a && typeof a === 'object' ? { ...a, port: 80 } : a
}
`)}`

/** The password of the URLs with credentials below, made for this run (no secret-shaped constant in the repository). */
const urlPassword = randomBytes(8).toString('hex')

describe('configuration', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flowchat-config-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

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
    expect(options.retention).toEqual({ maxEvents: 1000, maxBytes: 64 * 1024 * 1024, maxAgeMs: 86_400_000 })
    expect(loadConfig([], env()).port).toBe(8788)
  })

  it('skips a leading -- (pnpm passes it through: pnpm start -- --port 9000)', () => {
    expect(loadConfig(['--', '--port', '9000'], env()).port).toBe(9000)
  })

  it('honours PORT when FLOWCHAT_PORT is unset; FLOWCHAT_PORT and --port beat it', () => {
    expect(loadConfig([], { ...env(), PORT: '7001' }).port).toBe(7001)
    expect(loadConfig([], { ...env(), PORT: '7001', FLOWCHAT_PORT: '7002' }).port).toBe(7002)
    expect(loadConfig(['--port', '7003'], { ...env(), PORT: '7001', FLOWCHAT_PORT: '7002' }).port).toBe(7003)
    // A bad PORT is named as PORT: the operator never set the FLOWCHAT_PORT an error used to name.
    expect(thrown(() => loadConfig([], { ...env(), PORT: 'http' })).message).toContain(
      '--port (PORT, read as FLOWCHAT_PORT is unset): must be a whole number',
    )
    expect(thrown(() => loadConfig([], { ...env(), PORT: '70000' })).message).toContain(
      '--port (PORT, read as FLOWCHAT_PORT is unset): must be at most 65535',
    )
    expect(thrown(() => loadConfig([], { ...env(), PORT: '7001', FLOWCHAT_PORT: 'x' })).message).toContain(
      '--port (FLOWCHAT_PORT): must be a whole number',
    )
  })

  it('reads secrets from the files named by *_FILE, trimming the trailing newline', async () => {
    const secrets = testSecrets()
    const files = {
      FLOWCHAT_API_KEY_FILE: `${secrets.apiKey}\n`,
      FLOWCHAT_WEBHOOK_SECRET_FILE: `${secrets.webhookSecret}\r\n`,
      FLOWCHAT_TOKEN_SECRET_FILE: secrets.tokenSecret,
      FLOWCHAT_OPERATOR_PASSWORD_FILE: `${secrets.operatorPassword}\n`,
      FLOWCHAT_REDIS_URL_FILE: 'redis://:pw@127.0.0.1:6379/0\n',
    }
    const e: Record<string, string> = {}
    for (const [variable, content] of Object.entries(files)) {
      const path = join(dir, variable.toLowerCase())
      await writeFile(path, content)
      e[variable] = path
    }
    const config = loadConfig(['--storage', 'redis'], e)
    expect(config).toMatchObject({
      apiKey: secrets.apiKey,
      webhookSecret: secrets.webhookSecret,
      tokenSecret: secrets.tokenSecret,
      operatorPassword: secrets.operatorPassword,
      redisUrl: 'redis://:pw@127.0.0.1:6379/0',
    })
  })

  it('refuses a variable set twice (value and _FILE) and names an unreadable file, not its content', async () => {
    const e = env()
    const keyFile = join(dir, 'api-key')
    await writeFile(keyFile, 'secret-in-a-file-0123456789\n')
    const both = thrown(() => loadConfig([], { ...e, FLOWCHAT_API_KEY_FILE: keyFile }))
    expect(both).toBeInstanceOf(ConfigError)
    expect(both.message).toContain('FLOWCHAT_API_KEY and FLOWCHAT_API_KEY_FILE: both are set; set only one')
    expect(both.message).not.toContain(e.FLOWCHAT_API_KEY)
    expect(both.message).not.toContain('secret-in-a-file')

    const missing = join(dir, 'nope')
    const unreadable = thrown(() =>
      loadConfig([], { ...e, FLOWCHAT_TOKEN_SECRET: '', FLOWCHAT_TOKEN_SECRET_FILE: missing }),
    )
    expect(unreadable.message).toContain(`FLOWCHAT_TOKEN_SECRET_FILE=${missing}: cannot be read (ENOENT)`)

    // A file holding a secret that breaks the rule: the rule is named, the content is not.
    const short = join(dir, 'short')
    await writeFile(short, 'short-secret-in-file\n')
    await chmod(short, 0o600)
    const weak = thrown(() =>
      loadConfig([], { ...e, FLOWCHAT_TOKEN_SECRET: '', FLOWCHAT_TOKEN_SECRET_FILE: short }),
    )
    expect(weak.message).toContain('--token-secret (FLOWCHAT_TOKEN_SECRET): must be at least 32 characters')
    expect(weak.message).not.toContain('short-secret-in-file')
  })

  it('names every missing or bad setting on one line and never echoes a secret', () => {
    const e = { ...env(), FLOWCHAT_TOKEN_SECRET: 'short-secret-value', FLOWCHAT_AUTH: 'basic' }
    delete (e as Record<string, string>).FLOWCHAT_API_KEY
    const error = thrown(() => loadConfig(['--port', '70000', '--trust-proxy', 'maybe'], e))
    expect(error).toBeInstanceOf(ConfigError)
    const message = error.message
    expect(message).not.toContain('\n')
    expect(message).toMatch(/--api-key \(FLOWCHAT_API_KEY\): required/)
    expect(message).toMatch(/--token-secret \(FLOWCHAT_TOKEN_SECRET\): must be at least 32 characters/)
    expect(message).toMatch(/--auth \(FLOWCHAT_AUTH\): must be one of raw, bearer/)
    expect(message).toMatch(/--port \(FLOWCHAT_PORT\): must be at most 65535/)
    expect(message).toMatch(/--trust-proxy \(FLOWCHAT_TRUST_PROXY\): must be true, false/)
    expect(message).not.toContain('short-secret-value')
  })

  it('refuses a millisecond setting under its floor, naming the flag or variable, the value and the unit', () => {
    for (const [args, extra, expected] of [
      [['--heartbeat-ms', '15'], {}, '--heartbeat-ms 15: must be at least 1000 (milliseconds)'],
      [[], { FLOWCHAT_HEARTBEAT_MS: '15' }, 'FLOWCHAT_HEARTBEAT_MS=15: must be at least 1000 (milliseconds)'],
      [['--heartbeat-ms', '0'], {}, '--heartbeat-ms 0: must be at least 1000 (milliseconds)'],
      [
        ['--request-timeout-ms', '5'],
        {},
        '--request-timeout-ms 5: must be 0 (off) or at least 1000 (milliseconds)',
      ],
      [
        [],
        { FLOWCHAT_SHUTDOWN_TIMEOUT_MS: '6' },
        'FLOWCHAT_SHUTDOWN_TIMEOUT_MS=6: must be 0 (cut them at once) or at least 1000 (milliseconds)',
      ],
    ] as const) {
      const error = thrown(() => loadConfig(args, env(extra)))
      expect(error).toBeInstanceOf(ConfigError)
      expect(error.message).toBe(`Invalid configuration: ${expected}`)
    }
    const floors = ['--heartbeat-ms', '1000', '--request-timeout-ms', '0', '--shutdown-timeout-ms', '0']
    expect(loadConfig(floors, env())).toMatchObject({
      heartbeatMs: 1000,
      requestTimeoutMs: 0,
      shutdownTimeoutMs: 0,
    })
    // createRelay keeps the rule's least: the relay's own tests run 50 ms heartbeats and 100 ms request timeouts.
    const secrets = testSecrets()
    expect(validateRelayOptions({ ...secrets, heartbeatMs: 50, requestTimeoutMs: 100 })).toMatchObject({
      heartbeatMs: 50,
      requestTimeoutMs: 100,
    })
  })

  it('takes --trust-proxy as a yes or no, or as the number of proxies in front of the relay', () => {
    expect(loadConfig(['--trust-proxy', 'true'], env()).trustProxy).toBe(true)
    expect(loadConfig(['--trust-proxy', 'no'], env()).trustProxy).toBe(false)
    expect(loadConfig(['--trust-proxy', '2'], env()).trustProxy).toBe(2)
    expect(loadConfig([], env({ FLOWCHAT_TRUST_PROXY: '0' })).trustProxy).toBe(0)
    expect(() => loadConfig(['--trust-proxy', '11'], env())).toThrow(/--trust-proxy.*must be at most 10/)
    expect(() => loadConfig(['--trust-proxy=-1'], env())).toThrow(/--trust-proxy.*must be true, false/)
  })

  it('needs a Redis URL for redis storage', () => {
    expect(() => loadConfig(['--storage', 'redis'], env())).toThrow(/--redis-url \(FLOWCHAT_REDIS_URL\)/)
    // A URL given but bad is named once, for what is wrong with it, not also as missing.
    const bad = thrown(() =>
      loadConfig(['--storage', 'redis', '--redis-url', 'redis://127.0.0.1:6379/abc'], env()),
    )
    expect(bad.message).toContain('the path after the host must be a database number')
    expect(bad.message).not.toContain('required with --storage redis')
  })

  it('takes Sentinels instead of a URL, and then needs the master name', () => {
    const flags = ['--storage', 'redis', '--redis-sentinels', '127.0.0.1:26379,10.0.0.2:26380']
    expect(() => loadConfig(flags, env())).toThrow(
      /--redis-master-name \(FLOWCHAT_REDIS_MASTER_NAME\): required/,
    )
    const config = loadConfig([...flags, '--redis-master-name', 'main', '--redis-min-replicas', '1'], env())
    expect(config.redisSentinels).toEqual(['127.0.0.1:26379', '10.0.0.2:26380'])
    expect(config.redisMinReplicas).toBe(1)
    expect(() => loadConfig(['--redis-sentinels', 'no-port'], env())).toThrow(
      /each sentinel must be host:port/,
    )
    // IPv6 addresses in brackets, as in a URL (dual-stack networks); ioredis takes them without the brackets.
    const v6 = loadConfig(
      ['--storage', 'redis', '--redis-sentinels', '[::1]:26379,[fd00::2]:26380', '--redis-master-name', 'm'],
      env(),
    )
    expect(redisNodes(v6.redisSentinels!)).toEqual([
      { host: '::1', port: 26379 },
      { host: 'fd00::2', port: 26380 },
    ])
    expect(() => loadConfig(['--redis-cluster', '::1:7000'], env())).toThrow(/in brackets: \[::1\]:26379/)
    expect(() => loadConfig(['--redis-key-prefix', 'a{b}'], env())).toThrow(/no braces/)
  })

  it('refuses a Redis node whose port is past 65535 as a configuration error naming the flag', () => {
    // Found by the HA walk: `--redis-sentinels 127.0.0.1:99999` passed the flag's rule and failed later, exit 1.
    for (const [flag, what] of [
      ['--redis-sentinels', 'each sentinel'],
      ['--redis-cluster', 'each node'],
    ] as const) {
      const error = thrown(() =>
        loadConfig(
          ['--storage', 'redis', flag, '127.0.0.1:26379,127.0.0.1:99999', '--redis-master-name', 'm'],
          env(),
        ),
      )
      expect(error).toBeInstanceOf(ConfigError)
      expect(error.message).toContain(`${flag} (`)
      expect(error.message).toContain(`${what} must be host:port with a port from 1 to 65535`)
    }
  })

  it('takes the sentinels own credentials, the password as a secret, and warns of Sentinel settings without sentinels', () => {
    const password = randomBytes(12).toString('hex')
    const config = loadConfig(
      ['--storage', 'redis', '--redis-sentinels', '127.0.0.1:26379', '--redis-master-name', 'main'],
      env({ FLOWCHAT_REDIS_SENTINEL_USERNAME: 'watcher', FLOWCHAT_REDIS_SENTINEL_PASSWORD: password }),
    )
    expect(config.redisSentinelUsername).toBe('watcher')
    expect(config.redisSentinelPassword).toBe(password)
    const warnings: string[] = []
    loadConfig(
      ['--storage', 'redis', '--redis-url', 'redis://127.0.0.1:6379', '--redis-master-name', 'main'],
      env({ FLOWCHAT_REDIS_SENTINEL_PASSWORD: password }),
      { warnings },
    )
    expect(warnings).toEqual([
      '--redis-master-name, --redis-sentinel-password ignored: only with --redis-sentinels',
    ])
  })

  it('refuses a flag given an empty value, naming the flag, even after a good one', () => {
    for (const args of [
      ['--port', ''],
      ['--port', '47150', '--port', ''],
      ['--metrics-token', ''],
      ['--operator-password', ''],
      ['--cors-origins', ''],
      ['--api-key', ''],
    ]) {
      const error = thrown(() => loadConfig(args, env()))
      expect(error, args.join(' ')).toBeInstanceOf(ConfigError)
      expect(error.message, args.join(' ')).toContain(`${args.at(-2)}: empty value`)
    }
  })

  it('takes a variable set to the empty string as unset, with a warning naming it', () => {
    const warnings: string[] = []
    const config = loadConfig(
      [],
      env({ FLOWCHAT_PORT: '', FLOWCHAT_METRICS_TOKEN: '', FLOWCHAT_OPERATOR_PASSWORD_FILE: '' }),
      { warnings },
    )
    expect(config.port).toBe(8788)
    expect(config.metricsToken).toBeUndefined()
    expect(warnings.toSorted()).toEqual([
      'FLOWCHAT_METRICS_TOKEN is set but empty: treated as unset',
      'FLOWCHAT_OPERATOR_PASSWORD_FILE is set but empty: treated as unset',
      'FLOWCHAT_PORT is set but empty: treated as unset',
    ])
  })

  it('warns of a FLOWCHAT_* variable that is a misspelt setting, naming the setting it resembles', () => {
    // A flag's typo stops start-up; a variable's went unseen: FLOWCHAT_CORS_ORIGIN (no S) left CORS closed.
    const warnings: string[] = []
    loadConfig(
      [],
      env({
        FLOWCHAT_CORS_ORIGIN: 'https://shop.example',
        FLOWCHAT_PROT: '9000',
        FLOWCHAT_API_KEY_FIEL: '/run/secrets/api_key',
        FLOWCHAT_REDIS_PREFIX: 'tenant-a',
        // Other tools' variables (the demo, the tests) are not the relay's business.
        FLOWCHAT_DEMO_PORT: '5173',
        FLOWCHAT_RELAY_URL: 'http://127.0.0.1:8788',
        FLOWCHAT_OPERATOR_TOKEN: 'x',
      }),
      { warnings },
    )
    expect(warnings.toSorted()).toEqual([
      'FLOWCHAT_API_KEY_FIEL is not a relay setting (FLOWCHAT_API_KEY_FILE?): ignored',
      'FLOWCHAT_CORS_ORIGIN is not a relay setting (FLOWCHAT_CORS_ORIGINS?): ignored',
      'FLOWCHAT_PROT is not a relay setting (FLOWCHAT_PORT?): ignored',
      'FLOWCHAT_REDIS_PREFIX is not a relay setting (FLOWCHAT_REDIS_KEY_PREFIX?): ignored',
    ])
  })

  it('warns of Redis settings that memory storage ignores', () => {
    const warnings: string[] = []
    loadConfig(
      ['--storage', 'memory', '--redis-url', 'redis://127.0.0.1:6379', '--redis-min-replicas', '3'],
      env(),
      {
        warnings,
      },
    )
    expect(warnings).toEqual([
      '--redis-url, --redis-min-replicas ignored: the storage is memory (--storage redis uses them)',
    ])
  })

  it.each([
    [
      'a key with a line break',
      { FLOWCHAT_API_KEY: 'apikey_ab\ncd-0123' },
      '--api-key (FLOWCHAT_API_KEY): must be printable ASCII',
    ],
    [
      'a non-ASCII key',
      { FLOWCHAT_API_KEY: 'apikey_abé-0123' },
      '--api-key (FLOWCHAT_API_KEY): must be printable ASCII',
    ],
    [
      'a key with a trailing space',
      { FLOWCHAT_API_KEY: 'apikey_ab-0123 ' },
      '--api-key (FLOWCHAT_API_KEY): must be printable ASCII',
    ],
    [
      'a Redis URL that is not a URL',
      { FLOWCHAT_REDIS_URL: 'redis://u:p@[bad' },
      '--redis-url (FLOWCHAT_REDIS_URL): must be a valid URL',
    ],
    // ioredis sent `SELECT NaN` for these and crashed the process with its reply (or read `/1x` as db 1).
    ...['abc', '1x', '-1', '0/1', '1.5'].map((db): [string, Record<string, string>, string] => [
      `a Redis URL whose db is /${db}`,
      { FLOWCHAT_REDIS_URL: `redis://u:p@127.0.0.1:6379/${db}` },
      '--redis-url (FLOWCHAT_REDIS_URL): the path after the host must be a database number',
    ]),
    [
      'the metrics port equal to the port',
      { FLOWCHAT_PORT: '47150', FLOWCHAT_METRICS_PORT: '47150' },
      '--metrics-port (FLOWCHAT_METRICS_PORT): must differ from --port (FLOWCHAT_PORT)',
    ],
  ])('refuses %s up front, naming the setting and not the value', (_name, extra, message) => {
    const error = thrown(() => loadConfig([], env(extra)))
    expect(error).toBeInstanceOf(ConfigError)
    expect(error.message).toContain(message)
    for (const value of Object.values(extra)) if (value.length > 6) expect(error.message).not.toContain(value)
    expect(error.message).not.toContain('apikey_ab')
    expect(error.message).not.toContain('u:p@')
  })

  it('reads rate limits (decimal rates too), the metrics port and the retention bytes into createRelay options', () => {
    const options = relayOptions(
      loadConfig(
        ['--rate-limit-sends-per-token-burst', '7', '--rate-limit-sessions-per-ip-per-second', '0.5'],
        env({ FLOWCHAT_METRICS_PORT: '9464', FLOWCHAT_RETENTION_MAX_BYTES: '1048576' }),
      ),
    )
    expect(options.rateLimit).toEqual({
      sendsPerToken: { burst: 7, perSecond: 2 },
      sendsPerIp: { burst: 60, perSecond: 10 },
      sessionsPerIp: { burst: 20, perSecond: 0.5 },
    })
    expect(options.metricsPort).toBe(9464)
    expect(options.retention?.maxBytes).toBe(1_048_576)
    expect(() => loadConfig(['--rate-limit-sends-per-ip-per-second', 'fast'], env())).toThrow(
      /--rate-limit-sends-per-ip-per-second/,
    )
  })
})

describe('createRelay checks its options with the same rules and defaults', () => {
  const secrets = testSecrets()
  const base = {
    apiKey: secrets.apiKey,
    webhookSecret: secrets.webhookSecret,
    tokenSecret: secrets.tokenSecret,
  }

  it.each([
    [{ tokenSecret: 'x'.repeat(31) }, 'tokenSecret: must be at least 32 characters', '--token-secret', '31'],
    [
      { webhookSecret: 'has/a/slash/in/it/0123' },
      'webhookSecret: must use only URL-safe characters',
      '--webhook-secret',
      'has/a/slash/in/it/0123',
    ],
    [
      { operatorPassword: 'short' },
      'operatorPassword: must be at least 12 characters',
      '--operator-password',
      'short',
    ],
    [{ port: 70_000 }, 'port: must be at most 65535', '--port', '70000'],
    [{ auth: 'basic' }, 'auth: must be one of raw, bearer', '--auth', 'basic'],
    [
      { corsOrigins: ['not an origin'] },
      'corsOrigins: each origin must be',
      '--cors-origins',
      'not an origin',
    ],
    [
      // A page's URL, not its origin: no browser sends a path in `Origin`, so it would never match.
      { corsOrigins: ['https://shop.example/chat'] },
      'corsOrigins: each origin must be',
      '--cors-origins',
      'https://shop.example/chat',
    ],
    [
      // A subdomain wildcard: origins are matched whole and no browser sends a `*`, so it would never match either.
      { corsOrigins: ['https://*.shop.example'] },
      'corsOrigins: each origin must be * or scheme://host[:port] without a path or a wildcard',
      '--cors-origins',
      'https://*.shop.example',
    ],
    [{ retention: { maxAgeMs: 10 } }, 'retention.maxAgeMs: must be at least 1 s', '--retention-max-age', '0'],
    [{ tokenTtlSeconds: 10 }, 'tokenTtlSeconds: must be at least 60', '--token-ttl', '10'],
    [
      { flowBaseUrl: `https://user:${urlPassword}@api.flow.ai/rest/v1/` },
      'flowBaseUrl: must not hold credentials (user:password@)',
      '--flow-base-url',
      `https://user:${urlPassword}@api.flow.ai/rest/v1/`,
    ],
  ] as const)('%j → %s, as the CLI refuses it', async (bad, message, flag, cliValue) => {
    const error = await createRelay({ ...base, ...bad } as never).then(
      () => undefined,
      (e: unknown) => e as Error,
    )
    expect(error).toBeInstanceOf(ConfigError)
    expect(error?.message).toContain(message)
    if ('tokenSecret' in bad) expect(error?.message).not.toContain(bad.tokenSecret)
    if ('operatorPassword' in bad) expect(error?.message).not.toContain(`${bad.operatorPassword}`)
    expect(error?.message).not.toContain(urlPassword)
    const rule = message.split(': ')[1]!
    const cli = thrown(() => loadConfig([`--${flag.slice(2)}`, cliValue], env()))
    expect(cli.message).toContain(`${flag} (`)
    expect(cli.message).toContain(rule.replace(/ \d+ s$/, ''))
  })

  it('names every missing secret', async () => {
    const error = await createRelay({} as never).then(
      () => undefined,
      (e: unknown) => e as Error,
    )
    expect(error?.message).toMatch(/apiKey: required.*webhookSecret: required.*tokenSecret: required/)
  })

  it('fills the defaults from the same table: any free port for a library', async () => {
    const relay = await createRelay(base)
    try {
      const url = await relay.listen()
      expect(Number(new URL(url).port)).toBeGreaterThan(0)
      expect(new URL(url).port).not.toBe('8788')
    } finally {
      await relay.close()
    }
  })
})

describe('the CLI', { timeout: 60_000 }, () => {
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

  it('exits 2 with one line on stderr on bad configuration, and prints a verifiable token', async () => {
    const e = env()
    const bad = await run(['--', '--port', '9000'], { ...e, FLOWCHAT_WEBHOOK_SECRET: 'tiny' })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(
      /^flowchat-relay: Invalid configuration: --webhook-secret \(FLOWCHAT_WEBHOOK_SECRET\)/,
    )
    expect(bad.stderr.trim().split('\n')).toHaveLength(1)
    expect(bad.stderr).not.toContain(e.FLOWCHAT_API_KEY)
    expect(bad.stdout).toBe('')
    const token = await run(['--', 'token', '--thread', 't1|o_1', '--name', 'Ann'], e)
    expect(token.code).toBe(0)
    const claims = JSON.parse(
      Buffer.from(token.stdout.trim().split('.')[1]!, 'base64url').toString(),
    ) as Record<string, unknown>
    expect(claims).toMatchObject({ scope: 'thread', sub: 't1|o_1', name: 'Ann' })
  })

  it('token: exits 2 naming --ttl, --thread or --name when the relay would refuse the token', async () => {
    const e = env()
    for (const [args, message] of [
      [['--thread', 't1', '--ttl', '1e20'], '--ttl: must be a whole number'],
      [['--thread', 't1', '--ttl', String(7 * 24 * 3600 + 1)], '--ttl: must be at most 604800'],
      [['--thread', 't1', '--ttl', '1'], '--ttl: must be at least 60'],
      [['--thread', 't1', '--ttl', ''], '--ttl: empty value'],
      [['--thread', 'x'.repeat(400)], '--thread: must be at most 256 characters'],
      [['--thread', 't1', '--name', 'n'.repeat(300)], '--name: '],
      [['--operator', ''], '--operator: empty value'],
    ] as const) {
      const out = await run(['token', ...args], e)
      expect(out.code, args.join(' ')).toBe(2)
      expect(out.stderr, args.join(' ')).toContain(`token: ${message}`)
      expect(out.stdout).toBe('')
    }
    const ok = await run(['token', '--thread', 't1', '--ttl', '60'], e)
    expect(ok.code).toBe(0)
    const claims = JSON.parse(Buffer.from(ok.stdout.split('.')[1]!, 'base64url').toString()) as {
      iat: number
      exp: number
    }
    expect(claims.exp - claims.iat).toBe(60)
  })

  it('exits 2, not 1, on a key that is not printable ASCII, a bad Redis URL, a Flow.ai URL with credentials or a metrics port equal to the port', async () => {
    for (const [extra, flags, setting] of [
      [{ FLOWCHAT_API_KEY: 'apikey_ab\ncd-0123' }, [], '--api-key (FLOWCHAT_API_KEY)'],
      [
        { FLOWCHAT_REDIS_URL: 'redis://u:p@[bad' },
        ['--storage', 'redis'],
        '--redis-url (FLOWCHAT_REDIS_URL)',
      ],
      [{}, ['--port', '47150', '--metrics-port', '47150'], '--metrics-port (FLOWCHAT_METRICS_PORT)'],
      [{}, ['--port', '47150', '--port', ''], '--port: empty value'],
      [{}, ['--heartbeat-ms', '15'], '--heartbeat-ms 15: must be at least 1000 (milliseconds)'],
      [
        { FLOWCHAT_FLOW_BASE_URL: `https://apikey_ab:${urlPassword}@api.flow.ai/rest/v1/` },
        [],
        '--flow-base-url (FLOWCHAT_FLOW_BASE_URL): must not hold credentials (user:password@)',
      ],
    ] as const) {
      const out = await run(['--', ...flags], { ...env(), FLOWCHAT_LOG_LEVEL: 'silent', ...extra })
      expect(out.code, setting).toBe(2)
      expect(out.stderr).toContain(setting)
      expect(out.stderr).not.toContain('apikey_ab')
      expect(out.stderr).not.toContain(urlPassword)
    }
  })

  it("logs the port it listens on in the start-up line's `port`, the scheme's default port (80) included", async () => {
    // `new URL()` drops the default port (`http://127.0.0.9:80` has port `''`): read from it, the line said
    // `"port":0`. A loopback address of its own keeps port 80 clear of anything else. Only root may listen on port
    // 80 on Linux (macOS has 127.0.0.1 only): elsewhere the relay listens on a free port of 127.0.0.1 and its
    // server reports 80, which its URL and the start-up line then carry, as they would on port 80 itself.
    let host = `127.0.${String(1 + Math.floor(Math.random() * 250))}.${String(2 + Math.floor(Math.random() * 250))}`
    const real = await canListen(host, 80)
    if (!real) host = '127.0.0.1'
    const child = spawn(process.execPath, [bin, '--host', host, '--port', '80', '--log-level', 'info'], {
      env: {
        PATH: process.env.PATH,
        ...env(),
        ...(real ? {} : { NODE_OPTIONS: `--import=${reportPort80}` }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exited = new Promise((resolve) => child.on('exit', resolve))
    try {
      await vi.waitFor(() => expect(stdout, stderr).toMatch(/listening on (\S+) /), {
        timeout: 20_000,
        interval: 50,
      })
      const line = stdout
        .split('\n')
        .map((text) => JSON.parse(text || '{}') as { msg?: string; port?: number; url?: string })
        .find((entry) => entry.msg?.startsWith('flowchat-relay listening on'))
      expect(line).toMatchObject({ url: `http://${host}:80`, port: 80 })
    } finally {
      child.kill('SIGTERM')
      await exited
    }
  })

  /**
   * The CLI against a Flow.ai that holds every send, once a visitor's send is in flight: what a stop must answer.
   * `detached` gives it a process group of its own, as a shell gives a foreground command.
   */
  async function relayWithSendInFlight({ detached = false } = {}) {
    const held: ServerResponse[] = []
    const flow = createServer((_req, res) => held.push(res))
    await new Promise<void>((resolve) => flow.listen(0, '127.0.0.1', resolve))
    const flowPort = (flow.address() as { port: number }).port
    const child = spawn(process.execPath, [bin, '--port', '0', '--log-level', 'info'], {
      env: { PATH: process.env.PATH, ...env(), FLOWCHAT_FLOW_BASE_URL: `http://127.0.0.1:${flowPort}/` },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached,
    })
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    )
    const stop = async () => {
      try {
        if (detached) process.kill(-child.pid!, 'SIGKILL')
        else child.kill('SIGKILL')
      } catch {
        // Already gone.
      }
      for (const res of held) res.destroy()
      await new Promise((resolve) => flow.close(resolve))
    }
    try {
      await vi.waitFor(() => expect(stdout).toMatch(/listening on (\S+) /), { timeout: 20_000, interval: 50 })
      const url = /listening on (\S+) /.exec(stdout)![1]!
      const session = (await (await fetch(`${url}/v1/sessions`, { method: 'POST' })).json()) as {
        threadId: string
        token: string
      }
      const send = fetch(`${url}/v1/threads/${encodeURIComponent(session.threadId)}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'text', text: 'hi' }),
      }).then(
        (response) => response.status,
        () => 'no answer',
      )
      await vi.waitFor(() => expect(held.length).toBeGreaterThan(0), { timeout: 10_000, interval: 20 })
      const stopping = () =>
        vi.waitFor(() => expect(stdout).toContain('stopping'), { timeout: 10_000, interval: 20 })
      return { child, held, send, exited, stopping, stdout: () => stdout, stop }
    } catch (error) {
      await stop()
      throw error
    }
  }

  it('one Ctrl-C (SIGINT to its whole process group) stops gracefully, answering the send in flight', async () => {
    const relay = await relayWithSendInFlight({ detached: true })
    try {
      // The bin wrapper runs the relay in a child process: when both heard the group's SIGINT and the wrapper passed
      // its own on, the relay took it for Ctrl-C pressed twice and exited at once, cutting the send.
      process.kill(-relay.child.pid!, 'SIGINT')
      await relay.stopping()
      // Flow.ai answers once the relay is stopping: the send must still get its 202.
      for (const res of relay.held)
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}')
      expect(await relay.send).toBe(202)
      expect(await relay.exited).toEqual({ code: 0, signal: null })
      expect(relay.stdout()).not.toContain('second signal')
    } finally {
      await relay.stop()
    }
  })

  it('a second SIGTERM while stopping exits at once (143), logged, without waiting for a send to Flow.ai', async () => {
    // Flow.ai never answers: the send stays in flight, so the graceful close has something to wait for.
    const relay = await relayWithSendInFlight()
    try {
      relay.child.kill('SIGTERM')
      await relay.stopping()
      relay.child.kill('SIGTERM')
      const end = await Promise.race([
        relay.exited,
        new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 5000)),
      ])
      expect(end).toEqual({ code: 143, signal: null })
      expect(relay.stdout()).toContain('second signal while stopping: exiting at once')
      await relay.send
    } finally {
      await relay.stop()
    }
  })

  it('stops on SIGTERM after the reader of its stdout has gone (a log collector or `| head` that ended)', async () => {
    const child = spawn(process.execPath, [bin, '--port', '0', '--log-level', 'info'], {
      env: { PATH: process.env.PATH, ...env() },
      stdio: ['ignore', 'pipe', 'pipe'],
      // A group of its own, so that the whole of it (the bin and the relay it runs) can be killed if it hangs.
      detached: true,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    )
    try {
      await vi.waitFor(() => expect(stdout, stderr).toMatch(/listening on (\S+) /), {
        timeout: 20_000,
        interval: 50,
      })
      // The pipe's only reader closes: the relay's next log line meets EPIPE. Its logger then spun forever at exit
      // flushing that line, so no SIGTERM (nor a second one) could end the process; only SIGKILL did.
      child.stdout.destroy()
      child.kill('SIGTERM')
      const end = await Promise.race([
        exited,
        new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 10_000)),
      ])
      expect(end, stderr).toEqual({ code: 0, signal: null })
    } finally {
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        // Already gone.
      }
    }
  })

  it('exits 2 naming an unknown flag', async () => {
    const bad = await run(['--', '--prot', '9000'], env())
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain("Unknown option '--prot'")
    expect(bad.stderr).not.toMatch(/\n\s+at /)
  })
})
