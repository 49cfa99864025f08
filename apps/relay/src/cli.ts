/**
 * `flowchat-relay [flags]` runs the relay; `flowchat-relay token --thread <id> [--name Ann] | --operator <name>`
 * prints a token signed with the configured token secret. Flags and `FLOWCHAT_*` variables: `--help`.
 *
 * Everything the running relay says is a JSON log line on stdout (pino); a configuration that cannot start is one
 * line on stderr and exit code 2; any other failure to start, one line on stderr and exit code 1.
 */
import { constants } from 'node:os'
import { parseArgs } from 'node:util'
import { safeParse, threadIdSchema } from '@flowchat/core'
import { sessionBodySchema } from '@flowchat/core/protocol'
import { pino, type Logger } from 'pino'
import type { ConfigIssue } from './config-error.js'
import {
  ConfigError,
  loadConfig,
  readSetting,
  redisNodes,
  relayOptions,
  withoutLeadingDashes,
  type RelayConfig,
} from './config.js'
import { logSerializers } from './log-redaction.js'
import { createRelay } from './relay.js'
import { relayHelp } from './relay-help.js'
import {
  createRedisStorage,
  isCredentialsRefusal,
  isDatabaseRefusal,
  RedisStorageRefusal,
  warnOnChange,
} from './storage/redis-storage.js'
import type { EventStorage } from './storage/types.js'
import { createTokenService } from './token-service.js'

const TOKEN_USAGE =
  'flowchat-relay token (--thread <id> [--name <visitor>] | --operator <name>) [--ttl <seconds>]'

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(relayHelp())
    return 0
  }
  if (argv[0] === 'token') return printToken(argv.slice(1))

  const warnings: string[] = []
  const config = loadConfig(argv, process.env, { warnings })
  // One synchronous stdout for the CLI's lines and the relay's: pino's default (asynchronous) stream flushes what it
  // still holds when the process exits, and that flush spins for ever on EPIPE, so a relay whose log reader had gone
  // (a collector that died, `| head`) never exited on SIGTERM. A synchronous write meets EPIPE at once, and pino then
  // drops further lines; it also leaves nothing to flush when `process.exit` runs.
  const stdout = pino.destination({ dest: 1, sync: true })
  const log = pino({ level: config.logLevel, serializers: logSerializers }, stdout)
  for (const warning of warnings) log.warn(`configuration: ${warning}`)
  const storage = await openStorage(config, log)
  const relay = await createRelay({
    ...relayOptions(config),
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel, stream: stdout },
    ...(storage ? { storage } : {}),
    // Rate-limit counts and stream caps shared by the instances on one Redis (a plain URL; not yet through
    // Sentinel or Cluster, where each instance counts alone).
    ...(storage && config.redisUrl && !config.redisSentinels && !config.redisCluster
      ? { redis: config.redisUrl, redisKeyPrefix: `${config.redisKeyPrefix}:` }
      : {}),
  })
  const url = await relay.listen()
  // The server's own port: `new URL(url).port` is '' for a scheme's default port (80), which read as 0.
  const address = relay.app.server.address()
  // The URL is followed by a space, so that `listening on (\S+)` finds it in the JSON line too.
  log.info(
    {
      url,
      host: config.host,
      port: typeof address === 'object' && address !== null ? address.port : config.port,
      webhookUrl: `${url}/webhooks/<webhook secret>`,
      storage: config.storage,
    },
    `flowchat-relay listening on ${url} (webhook URL: ${url}/webhooks/<your webhook secret>)`,
  )
  let stopping = false
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      // Ctrl-C twice: the operator does not want to wait for the graceful close. 128 + the signal's number
      // (130 for SIGINT, 143 for SIGTERM), as a shell reports a process the signal ended.
      const code = 128 + constants.signals[signal]
      log.warn({ signal, code }, 'second signal while stopping: exiting at once')
      process.exit(code)
    }
    stopping = true
    log.info({ signal }, 'stopping: closing streams and finishing in-flight webhooks')
    relay.close().then(
      () => {
        log.info({ signal }, 'stopped')
        process.exit(0)
      },
      (error: unknown) => {
        log.error({ signal, err: error }, 'stopped with an error while closing')
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  return -1
}

/**
 * What Redis said that waiting does not cure, as the end of `Redis (<setting>) …`; undefined for anything else (an
 * unreachable Redis may yet answer). Names the settings to change, never their values (a URL may hold a password).
 */
function startupRefusal(error: unknown, setting: string, masterName: string | undefined): string | undefined {
  if (!(error instanceof Error)) return undefined
  const { message } = error
  // The data nodes' credentials come from --redis-url whatever says where Redis is.
  if (isCredentialsRefusal(error)) {
    return `refused the relay's credentials (${message}): check the user and password --redis-url gives`
  }
  if (isDatabaseRefusal(error)) {
    return `refused the database ${setting} selects (${message}): give one the server has (redis://host:6379/0)`
  }
  // ioredis asks every sentinel, and reports their last answer after "All sentinels are unreachable".
  const sentinelReply = /Last error: (.*)$/.exec(message)?.[1] ?? ''
  if (/^(WRONGPASS|NOAUTH|NOPERM)\b|^ERR invalid password/.test(sentinelReply)) {
    return `: the sentinels refused the relay's credentials (${sentinelReply.length > 60 ? `${sentinelReply.slice(0, 60)}…` : sentinelReply}): check --redis-sentinel-username and --redis-sentinel-password`
  }
  if (/No such master with that name/.test(sentinelReply)) {
    return `: the sentinels know no master named "${masterName ?? ''}": give --redis-master-name as in their \`sentinel monitor\` line`
  }
  const nodeError = (error as Error & { lastNodeError?: unknown }).lastNodeError
  if (nodeError instanceof Error && /cluster support disabled/.test(nodeError.message)) {
    return `: not a Redis Cluster node (${nodeError.message}): give one server with --redis-url, or a cluster's nodes`
  }
  if (error instanceof RedisStorageRefusal) {
    return error.code === 'cluster-node'
      ? ': a Redis Cluster node, which answers MOVED for keys of other nodes: give its nodes with --redis-cluster'
      : `: ${message.replace(/^redis storage: shards/, '--redis-shards')}`
  }
  return undefined
}

/**
 * The one place that chooses the storage backend: memory is `createRelay`'s default; Redis lets several
 * instances behind a load balancer share one log. A Redis instance starts serving only once Redis answers,
 * so that a stream opened on it knows where "now" is in the shared log.
 */
async function openStorage(config: RelayConfig, log: Logger): Promise<EventStorage | undefined> {
  if (config.storage === 'memory') return undefined
  const sentinels = config.redisSentinels && redisNodes(config.redisSentinels)
  const clusterNodes = config.redisCluster && redisNodes(config.redisCluster)
  // Name the setting that says where Redis is, never its value (a URL may hold a password).
  const setting = sentinels ? '--redis-sentinels' : clusterNodes ? '--redis-cluster' : '--redis-url'
  const warn = warnOnChange()
  // Refusals that waiting does not cure: the credentials, or the database the URL selects.
  let refusal: string | undefined
  const storage = createRedisStorage({
    onError: (error) => {
      refusal ??= startupRefusal(error, setting, config.redisMasterName)
      warn(error)
    },
    ...(config.redisUrl === undefined ? {} : { url: config.redisUrl }),
    ...(sentinels
      ? {
          sentinels,
          masterName: config.redisMasterName,
          sentinelUsername: config.redisSentinelUsername,
          sentinelPassword: config.redisSentinelPassword,
        }
      : {}),
    ...(clusterNodes ? { clusterNodes } : {}),
    keyPrefix: config.redisKeyPrefix,
    shards: config.redisShards,
    minReplicas: config.redisMinReplicas,
    replicaWaitMs: config.redisReplicaWaitMs,
    maxEvents: config.retentionMaxEvents,
    maxAgeMs: config.retentionMaxAge,
  })
  const deadline = Date.now() + 30_000
  const giveUp = async (why: string) => {
    await storage.close()
    return new Error(`Redis (${setting})${why.startsWith(':') ? '' : ' '}${why}`)
  }
  for (let attempt = 1; !(await storage.ready()); attempt++) {
    // A refused password stays refused: say so now instead of waiting out the deadline.
    if (refusal !== undefined) throw await giveUp(refusal)
    if (Date.now() >= deadline) throw await giveUp('did not answer within 30 s')
    if (attempt === 1) log.warn({ setting }, `waiting for Redis (${setting}) to answer`)
    await new Promise((resolve) => setTimeout(resolve, 1000))
  }
  // A refused SELECT still leaves a connection that answers (on database 0): it is reported during the handshake,
  // before the first command's answer.
  if (refusal !== undefined) throw await giveUp(refusal)
  return storage
}

function printToken(argv: string[]): number {
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
    ...(values['token-secret'] === undefined ? [] : ['--token-secret', values['token-secret']]),
    ...(values['token-ttl'] === undefined ? [] : ['--token-ttl', values['token-ttl']]),
  ]
  const config = loadConfig(passThrough, process.env, { only: ['tokenSecret', 'tokenTtlSeconds'] })
  if ((values.thread === undefined) === (values.operator === undefined)) {
    throw new ConfigError(`token: give exactly one of --thread <id> or --operator <name> (${TOKEN_USAGE})`)
  }
  // The rules the relay applies to what it issues and accepts: a token it would refuse is not printed.
  const issues: ConfigIssue[] = []
  let ttl = config.tokenTtlSeconds
  if (values.ttl !== undefined) {
    const read = readSetting('tokenTtlSeconds', values.ttl)
    if (read.ok) ttl = read.value
    else issues.push({ setting: '--ttl', message: `${read.message} (the rule of --token-ttl)` })
  }
  if (values.thread !== undefined) {
    const thread = safeParse(threadIdSchema, values.thread)
    if (!thread.ok) issues.push({ setting: '--thread', message: thread.issues[0]?.message ?? thread.error })
  }
  for (const flag of ['name', 'operator'] as const) {
    const value = values[flag]
    if (value === undefined) continue
    const name = safeParse(sessionBodySchema, { name: value })
    if (value === '') issues.push({ setting: `--${flag}`, message: 'empty value' })
    else if (!name.ok) issues.push({ setting: `--${flag}`, message: name.issues[0]?.message ?? name.error })
  }
  if (issues.length > 0) throw ConfigError.of('token', issues)
  const service = createTokenService({ secret: config.tokenSecret, ttlSeconds: config.tokenTtlSeconds })
  const claims =
    values.operator !== undefined
      ? { operator: values.operator }
      : { threadId: values.thread!, ...(values.name ? { name: values.name } : {}) }
  const { token } = service.issue(claims, ttl)
  process.stdout.write(`${token}\n`)
  return 0
}

main(withoutLeadingDashes(process.argv.slice(2))).then(
  (code) => {
    if (code >= 0) process.exitCode = code
  },
  (error: unknown) => {
    const oneLine = (text: string) => text.replaceAll(/\s*\n\s*/g, ' ')
    if (
      error instanceof ConfigError ||
      (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      process.stderr.write(
        `flowchat-relay: ${oneLine(error.message)} (flowchat-relay --help lists the flags)\n`,
      )
      process.exit(2)
    }
    const code = (error as NodeJS.ErrnoException | undefined)?.code
    const port = (error as { port?: unknown } | undefined)?.port
    const which = typeof port === 'number' ? `port ${String(port)}` : 'the port'
    const message =
      code === 'EADDRINUSE'
        ? `${which} is already in use; choose another with --port (FLOWCHAT_PORT), or with --metrics-port (FLOWCHAT_METRICS_PORT) if it is that one`
        : error instanceof Error
          ? error.message
          : String(error)
    process.stderr.write(`flowchat-relay: could not start: ${oneLine(message)}\n`)
    // Redis or a half-open server may hold the event loop: a failed start ends here.
    process.exit(1)
  },
)
