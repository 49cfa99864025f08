/**
 * `flowchat-relay [flags]` runs the relay; `flowchat-relay token --thread <id> [--name Ann] | --operator <name>`
 * prints a token signed with the configured token secret. Flags and `FLOWCHAT_*` variables: see README.md.
 */
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig, relayOptions, type RelayConfig } from './config.js'
import { createRelay } from './relay.js'
import { createRedisStorage } from './storage/redis-storage.js'
import type { EventStorage } from './storage/types.js'
import { createTokenService } from './token-service.js'

const USAGE = `Usage:
  flowchat-relay [--api-key … --webhook-secret … --token-secret … | FLOWCHAT_* variables]
  flowchat-relay token (--thread <id> [--name <visitor>] | --operator <name>) [--ttl <seconds>]`

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  if (argv[0] === 'token') return printToken(argv.slice(1))

  const config = loadConfig(argv, process.env)
  const storage = await openStorage(config)
  const relay = await createRelay({ ...relayOptions(config), ...(storage ? { storage } : {}) })
  const url = await relay.listen()
  process.stdout.write(
    `flowchat relay listening on ${url}\nwebhook URL: ${url}/webhooks/<your webhook secret>\n`,
  )
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    process.stdout.write(`${signal}: closing streams and finishing in-flight webhooks\n`)
    relay.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
  return -1
}

/**
 * The one place that chooses the storage backend: memory is `createRelay`'s default; Redis lets several
 * instances behind a load balancer share one log. A Redis instance starts serving only once Redis answers,
 * so that a stream opened on it knows where "now" is in the shared log.
 */
async function openStorage(config: RelayConfig): Promise<EventStorage | undefined> {
  if (config.storage === 'memory' || config.redisUrl === undefined) return undefined
  const storage = createRedisStorage({
    url: config.redisUrl,
    maxEvents: config.retentionMaxEvents,
    maxAgeMs: config.retentionMaxAgeSeconds * 1000,
  })
  for (let attempt = 1; !(await storage.ready()); attempt++) {
    // The URL may hold a password: name the setting, not its value.
    if (attempt === 1) process.stderr.write('flowchat-relay: waiting for Redis (--redis-url) to answer\n')
    if (attempt === 30) {
      await storage.close()
      throw new Error('Redis (--redis-url, FLOWCHAT_REDIS_URL) did not answer within 30 s')
    }
    await new Promise((resolve) => setTimeout(resolve, 1000))
  }
  return storage
}

async function printToken(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      thread: { type: 'string' },
      name: { type: 'string' },
      operator: { type: 'string' },
      ttl: { type: 'string' },
      'token-secret': { type: 'string' },
      'token-ttl': { type: 'string' },
    },
    strict: true,
  })
  const passThrough = [
    ...(values['token-secret'] ? ['--token-secret', values['token-secret']] : []),
    ...(values['token-ttl'] ? ['--token-ttl', values['token-ttl']] : []),
  ]
  const config = loadConfig(passThrough, process.env, { only: ['tokenSecret', 'tokenTtlSeconds'] })
  if (Boolean(values.thread) === Boolean(values.operator)) {
    throw new ConfigError(`token: give exactly one of --thread <id> or --operator <name>\n${USAGE}`)
  }
  const ttl = values.ttl === undefined ? config.tokenTtlSeconds : Number(values.ttl)
  if (!Number.isInteger(ttl) || ttl < 1)
    throw new ConfigError('token: --ttl must be a whole number of seconds')
  const service = createTokenService({ secret: config.tokenSecret, ttlSeconds: config.tokenTtlSeconds })
  const claims = values.operator
    ? { operator: values.operator }
    : { threadId: values.thread as string, ...(values.name ? { name: values.name } : {}) }
  const { token } = await service.issue(claims, ttl)
  process.stdout.write(`${token}\n`)
  return 0
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code
  },
  (error: unknown) => {
    if (
      error instanceof ConfigError ||
      (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      process.stderr.write(`flowchat-relay: ${error.message}\n`)
      process.exitCode = 2
      return
    }
    process.stderr.write(`flowchat-relay: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 1
  },
)
