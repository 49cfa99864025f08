import { isUsableApiKey } from '@flowchat/core/rest'
import { RelayLimits } from '@flowchat/core/protocol'
import * as z from 'zod'
import { REDIS_URL_DB_RULE, redisUrlDatabase } from './storage/redis-connection.js'

/**
 * How the text of a flag or a `FLOWCHAT_*` variable becomes an option's value: `text` as is, `int` a whole
 * number, `number` a decimal number, `bool` `true|false|1|0|yes|no`, `list` comma-separated, `seconds` a whole number of seconds held in
 * milliseconds by the option.
 *
 * @example
 * RELAY_SETTINGS.retentionMaxAge.read === SettingReader.seconds // true
 */
export const SettingReader = {
  text: 'text',
  int: 'int',
  number: 'number',
  bool: 'bool',
  /** `true`/`false` words, or a whole number (`--trust-proxy 2`). */
  boolOrInt: 'boolOrInt',
  list: 'list',
  seconds: 'seconds',
} as const
export type SettingReader = (typeof SettingReader)[keyof typeof SettingReader]

/** One relay setting: everything the CLI, the environment, `createRelay`, `--help` and the README know of it. */
export interface RelaySetting {
  /** Where the value goes in `RelayOptions` (`retention.maxAgeMs`); absent for settings only the CLI reads. */
  option?: string
  /** The command-line flag without `--`; absent for settings only `createRelay` takes. */
  flag?: string
  /** The environment variable; always set together with `flag`. */
  env?: string
  read: SettingReader
  /** The rule, on the option's value (milliseconds for `seconds`). Its messages never include the value. */
  rule: z.ZodType
  /** The default, in the option's unit. Absent: the setting is required (`required`) or simply unset. */
  default?: unknown
  /** `createRelay`'s default where it differs from the CLI's (a library listens on any free port). */
  apiDefault?: unknown
  required?: boolean
  /** Never echoed anywhere; may also come from the file named by `<env>_FILE`. */
  secret?: boolean
  /** A variable read when `env` is unset (`PORT`, as platforms set it). */
  fallbackEnv?: string
  /**
   * For a setting in milliseconds, the least the command line and environment take, above the rule's: an operator
   * thinking in seconds (`--heartbeat-ms 15`) is told the unit instead of getting 15 ms (a heartbeat to every SSE
   * client 66 times a second). `zero` says what `0` means where the rule takes it (`off`). `createRelay` keeps the
   * rule's least, so tests and embedders may run short timers.
   */
  cliLeastMs?: { least: number; zero?: string }
  /** The value's placeholder in `--help`. */
  placeholder: string
  description: string
}

const int = (min: number, max: number) =>
  z
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
const seconds = (minS: number, maxS: number) =>
  z
    .number({ error: 'must be a whole number of seconds' })
    .int('must be a whole number of seconds')
    .min(minS * 1000, `must be at least ${minS} s`)
    .max(maxS * 1000, `must be at most ${maxS} s`)
const secret = (min: number) =>
  z.string({ error: 'required' }).min(1, 'required').min(min, `must be at least ${min} characters`)
const bool = z.boolean({ error: 'must be true or false' })
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` })
const DAY = 24 * 3600
/**
 * A Redis node as `host:port`, an IPv6 address in brackets (`[::1]:26379`), the port from 1 to 65535 (`:99999` is a
 * typo, not a port).
 */
const hostPort = (what: string) =>
  z
    .string()
    .regex(
      /^(?:\[[0-9A-Fa-f:.]+\]|[^\s:,[\]]+):\d{1,5}$/,
      `${what} must be host:port (an IPv6 address in brackets: [::1]:26379)`,
    )
    .refine((entry) => {
      const port = Number(entry.slice(entry.lastIndexOf(':') + 1))
      return port >= 1 && port <= 65_535
    }, `${what} must be host:port with a port from 1 to 65535`)

const ORIGIN_RULE =
  'each origin must be * or scheme://host[:port] without a path or a wildcard, like https://shop.example'
/**
 * A CORS origin as browsers send `Origin`: `scheme://host[:port]`, host in lower case, no default port, no path. A
 * URL written with a trailing slash or capitals (copied from the address bar) is given in that form, or it would
 * never match; one with a path, query or credentials (a page, not an origin) is refused, and so is a wildcard in the
 * host (`https://*.shop.example`): origins are matched whole, and no browser sends a `*`.
 */
const corsOrigin = z.string().transform((text, ctx) => {
  if (text === '*') return text
  const url = URL.parse(text)
  if (
    !url ||
    url.host === '' ||
    url.host.includes('*') ||
    (url.pathname !== '' && url.pathname !== '/') ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== '' ||
    url.password !== ''
  ) {
    ctx.addIssue({ code: 'custom', message: ORIGIN_RULE })
    return z.NEVER
  }
  return `${url.protocol}//${url.host}`
})

/**
 * The relay's settings, one entry each: the CLI's flags and `FLOWCHAT_*` variables, `createRelay`'s validation and
 * defaults, `flowchat-relay --help` and the README's configuration table are all read from here. Adding a setting
 * is adding an entry (and using the option where the relay needs it).
 *
 * @example
 * RELAY_SETTINGS.tokenSecret.env // 'FLOWCHAT_TOKEN_SECRET'
 */
export const RELAY_SETTINGS = {
  apiKey: {
    option: 'apiKey',
    flag: 'api-key',
    env: 'FLOWCHAT_API_KEY',
    read: 'text',
    // The REST client's own rule, checked here so that a bad key is a configuration error naming the setting.
    rule: secret(1).refine(
      isUsableApiKey,
      'must be printable ASCII, without line breaks, tabs or surrounding spaces',
    ),
    required: true,
    secret: true,
    placeholder: 'key',
    description: 'the Flow.ai REST API key; stays in the relay',
  },
  flowBaseUrl: {
    option: 'flowBaseUrl',
    flag: 'flow-base-url',
    env: 'FLOWCHAT_FLOW_BASE_URL',
    read: 'text',
    // Core's REST client refuses credentials in its base URL too; checked here so that the setting is named and the
    // relay stops as for any bad setting, the URL (password and all) never repeated.
    rule: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).refine((url) => {
      const parsed = URL.parse(url)
      return parsed === null || (parsed.username === '' && parsed.password === '')
    }, 'must not hold credentials (user:password@): Flow.ai takes only the API key (--api-key)'),
    default: 'https://api.flow.ai/rest/v1/',
    placeholder: 'url',
    description: "Flow.ai's REST API (or the emulator's REST URL)",
  },
  auth: {
    option: 'auth',
    flag: 'auth',
    env: 'FLOWCHAT_AUTH',
    read: 'text',
    rule: oneOf(['raw', 'bearer']),
    default: 'raw',
    placeholder: 'raw|bearer',
    description: '`raw` (`Authorization: <key>`, current reference) or `bearer` (older reference)',
  },
  webhookSecret: {
    option: 'webhookSecret',
    flag: 'webhook-secret',
    env: 'FLOWCHAT_WEBHOOK_SECRET',
    read: 'text',
    rule: secret(16).regex(
      /^[A-Za-z0-9_.~-]+$/,
      'must use only URL-safe characters (letters, digits, - _ . ~)',
    ),
    required: true,
    secret: true,
    placeholder: 'secret',
    description: '≥ 16 URL-safe characters; the last segment of the webhook URL',
  },
  tokenSecret: {
    option: 'tokenSecret',
    flag: 'token-secret',
    env: 'FLOWCHAT_TOKEN_SECRET',
    read: 'text',
    rule: secret(32),
    required: true,
    secret: true,
    placeholder: 'secret',
    description: '≥ 32 characters; signs visitor and operator tokens (HS256)',
  },
  tokenTtlSeconds: {
    option: 'tokenTtlSeconds',
    flag: 'token-ttl',
    env: 'FLOWCHAT_TOKEN_TTL',
    read: 'int',
    rule: int(60, 7 * DAY),
    default: 3600,
    placeholder: 'seconds',
    description: 'token lifetime in seconds',
  },
  operatorPassword: {
    option: 'operatorPassword',
    flag: 'operator-password',
    env: 'FLOWCHAT_OPERATOR_PASSWORD',
    read: 'text',
    rule: secret(12),
    secret: true,
    placeholder: 'password',
    description: '≥ 12 characters; enables `POST /v1/operator/sessions`',
  },
  anonymousSessions: {
    option: 'anonymousSessions',
    flag: 'anonymous-sessions',
    env: 'FLOWCHAT_ANONYMOUS_SESSIONS',
    read: 'bool',
    rule: bool,
    default: true,
    placeholder: 'bool',
    description: '`POST /v1/sessions` without a token creates a thread',
  },
  corsOrigins: {
    option: 'corsOrigins',
    flag: 'cors-origins',
    env: 'FLOWCHAT_CORS_ORIGINS',
    read: 'list',
    rule: z.array(corsOrigin, { error: 'must be a list of origins' }),
    default: [],
    placeholder: 'origins',
    description: 'comma-separated origins allowed by CORS, or `*`; none: same origin only',
  },
  host: {
    option: 'host',
    flag: 'host',
    env: 'FLOWCHAT_HOST',
    read: 'text',
    rule: z.string({ error: 'must be a host name or address' }).min(1, 'must be a host name or address'),
    default: '127.0.0.1',
    placeholder: 'address',
    description: 'listen address (`0.0.0.0` in a container)',
  },
  port: {
    option: 'port',
    flag: 'port',
    env: 'FLOWCHAT_PORT',
    fallbackEnv: 'PORT',
    read: 'int',
    rule: int(0, 65535),
    default: 8788,
    apiDefault: 0,
    placeholder: 'n',
    description: 'listen port (`0`: any free port); `PORT` when `FLOWCHAT_PORT` is unset; `createRelay`: 0',
  },
  retentionMaxEvents: {
    option: 'retention.maxEvents',
    flag: 'retention-max-events',
    env: 'FLOWCHAT_RETENTION_MAX_EVENTS',
    read: 'int',
    rule: int(1, 1_000_000),
    default: 1000,
    placeholder: 'n',
    description: 'events kept per stream',
  },
  retentionMaxBytes: {
    option: 'retention.maxBytes',
    flag: 'retention-max-bytes',
    env: 'FLOWCHAT_RETENTION_MAX_BYTES',
    read: 'int',
    rule: int(1024, 64 * 1024 * 1024 * 1024),
    default: 64 * 1024 * 1024,
    placeholder: 'bytes',
    description: 'bytes of events kept in all (memory storage; oldest trimmed first)',
  },
  retentionMaxAge: {
    option: 'retention.maxAgeMs',
    flag: 'retention-max-age',
    env: 'FLOWCHAT_RETENTION_MAX_AGE',
    read: 'seconds',
    rule: seconds(1, 30 * DAY),
    default: DAY * 1000,
    placeholder: 'seconds',
    description: 'seconds an event is kept (`createRelay`: `retention.maxAgeMs`)',
  },
  bodyLimitBytes: {
    option: 'bodyLimitBytes',
    flag: 'body-limit',
    env: 'FLOWCHAT_BODY_LIMIT',
    read: 'int',
    rule: int(1024, RelayLimits.maxBodyBytes),
    default: RelayLimits.bodyBytes,
    placeholder: 'bytes',
    description: 'JSON and webhook body bytes',
  },
  uploadLimitBytes: {
    option: 'uploadLimitBytes',
    flag: 'upload-limit',
    env: 'FLOWCHAT_UPLOAD_LIMIT',
    read: 'int',
    rule: int(1024, 250 * 1024 * 1024),
    default: 25 * 1024 * 1024,
    placeholder: 'bytes',
    description: "multipart upload bytes (Flow.ai's own limit is 250 MB)",
  },
  heartbeatMs: {
    option: 'heartbeatMs',
    flag: 'heartbeat-ms',
    env: 'FLOWCHAT_HEARTBEAT_MS',
    read: 'int',
    rule: int(10, 300_000),
    cliLeastMs: { least: 1000 },
    default: 15_000,
    placeholder: 'ms',
    description: 'SSE heartbeat comment interval, in milliseconds (at least 1000)',
  },
  requestTimeoutMs: {
    option: 'requestTimeoutMs',
    flag: 'request-timeout-ms',
    env: 'FLOWCHAT_REQUEST_TIMEOUT_MS',
    read: 'int',
    rule: int(0, 86_400_000),
    cliLeastMs: { least: 1000, zero: 'off' },
    default: 120_000,
    placeholder: 'ms',
    description:
      'milliseconds to receive a whole request, body and upload included (408 past it; 0: off, else at least 1000)',
  },
  shutdownTimeoutMs: {
    option: 'shutdownTimeoutMs',
    flag: 'shutdown-timeout-ms',
    env: 'FLOWCHAT_SHUTDOWN_TIMEOUT_MS',
    read: 'int',
    rule: int(0, 86_400_000),
    cliLeastMs: { least: 1000, zero: 'cut them at once' },
    default: 6000,
    placeholder: 'ms',
    description:
      'milliseconds a stop lets in-flight requests finish before it cuts their connections (0: at once, else at least 1000)',
  },
  maxStreamsPerToken: {
    option: 'maxStreamsPerToken',
    flag: 'max-streams-per-token',
    env: 'FLOWCHAT_MAX_STREAMS_PER_TOKEN',
    read: 'int',
    rule: int(1, 100_000),
    default: 5,
    placeholder: 'n',
    description: "open SSE streams per token (a visitor's thread, an operator's sign-in)",
  },
  maxStreamsPerIp: {
    option: 'maxStreamsPerIp',
    flag: 'max-streams-per-ip',
    env: 'FLOWCHAT_MAX_STREAMS_PER_IP',
    read: 'int',
    rule: int(1, 1_000_000),
    default: 50,
    placeholder: 'n',
    description: 'open SSE streams per client address',
  },
  trustProxy: {
    option: 'trustProxy',
    flag: 'trust-proxy',
    env: 'FLOWCHAT_TRUST_PROXY',
    read: 'boolOrInt',
    rule: z.union([bool, int(0, 10)], {
      error: 'must be true, false or the number of proxies in front of the relay (0 to 10)',
    }),
    default: false,
    placeholder: 'bool|n',
    description:
      'proxies in front of the relay (`true`: one): the client address is the `X-Forwarded-For` entry the outermost one added',
  },
  rateLimitSendsPerTokenBurst: {
    option: 'rateLimit.sendsPerToken.burst',
    flag: 'rate-limit-sends-per-token-burst',
    env: 'FLOWCHAT_RATE_LIMIT_SENDS_PER_TOKEN_BURST',
    read: 'int',
    rule: int(1, 1_000_000),
    default: 20,
    placeholder: 'n',
    description: 'sends per token: the burst allowed at once',
  },
  rateLimitSendsPerTokenPerSecond: {
    option: 'rateLimit.sendsPerToken.perSecond',
    flag: 'rate-limit-sends-per-token-per-second',
    env: 'FLOWCHAT_RATE_LIMIT_SENDS_PER_TOKEN_PER_SECOND',
    read: 'number',
    rule: z
      .number({ error: 'must be a number' })
      .min(0, 'must be at least 0')
      .max(1_000_000, 'must be at most 1000000'),
    default: 2,
    placeholder: 'n',
    description: 'sends per token: the average rate allowed (`0`: the burst per hour)',
  },
  rateLimitSendsPerIpBurst: {
    option: 'rateLimit.sendsPerIp.burst',
    flag: 'rate-limit-sends-per-ip-burst',
    env: 'FLOWCHAT_RATE_LIMIT_SENDS_PER_IP_BURST',
    read: 'int',
    rule: int(1, 1_000_000),
    default: 60,
    placeholder: 'n',
    description: 'sends per client address: the burst allowed at once',
  },
  rateLimitSendsPerIpPerSecond: {
    option: 'rateLimit.sendsPerIp.perSecond',
    flag: 'rate-limit-sends-per-ip-per-second',
    env: 'FLOWCHAT_RATE_LIMIT_SENDS_PER_IP_PER_SECOND',
    read: 'number',
    rule: z
      .number({ error: 'must be a number' })
      .min(0, 'must be at least 0')
      .max(1_000_000, 'must be at most 1000000'),
    default: 10,
    placeholder: 'n',
    description: 'sends per client address: the average rate allowed (`0`: the burst per hour)',
  },
  rateLimitSessionsPerIpBurst: {
    option: 'rateLimit.sessionsPerIp.burst',
    flag: 'rate-limit-sessions-per-ip-burst',
    env: 'FLOWCHAT_RATE_LIMIT_SESSIONS_PER_IP_BURST',
    read: 'int',
    rule: int(1, 1_000_000),
    default: 20,
    placeholder: 'n',
    description: 'session creations per client address: the burst allowed at once',
  },
  rateLimitSessionsPerIpPerSecond: {
    option: 'rateLimit.sessionsPerIp.perSecond',
    flag: 'rate-limit-sessions-per-ip-per-second',
    env: 'FLOWCHAT_RATE_LIMIT_SESSIONS_PER_IP_PER_SECOND',
    read: 'number',
    rule: z
      .number({ error: 'must be a number' })
      .min(0, 'must be at least 0')
      .max(1_000_000, 'must be at most 1000000'),
    default: 1,
    placeholder: 'n',
    description: 'session creations per client address: the average rate allowed (`0`: the burst per hour)',
  },
  metricsPort: {
    option: 'metricsPort',
    flag: 'metrics-port',
    env: 'FLOWCHAT_METRICS_PORT',
    read: 'int',
    rule: int(0, 65535),
    placeholder: 'n',
    description: 'serve `GET /metrics` on this port (on `--host`) instead of the API port',
  },
  metricsToken: {
    option: 'metricsToken',
    flag: 'metrics-token',
    env: 'FLOWCHAT_METRICS_TOKEN',
    read: 'text',
    rule: secret(16),
    secret: true,
    placeholder: 'token',
    description: '≥ 16 characters; `GET /metrics` then requires `Authorization: Bearer <token>`',
  },
  storage: {
    flag: 'storage',
    env: 'FLOWCHAT_STORAGE',
    read: 'text',
    rule: oneOf(['memory', 'redis']),
    default: 'memory',
    placeholder: 'memory|redis',
    description: '`memory` (one process) or `redis` (several instances share one log)',
  },
  redisUrl: {
    flag: 'redis-url',
    env: 'FLOWCHAT_REDIS_URL',
    read: 'text',
    rule: z
      .string({ error: 'must be a redis:// or rediss:// URL' })
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .refine(
        (url) => URL.canParse(url),
        'must be a valid URL: redis://[user:password@]host:port[/db] (percent-encode reserved characters)',
      )
      .refine((url) => !URL.canParse(url) || redisUrlDatabase(new URL(url)) !== undefined, REDIS_URL_DB_RULE),
    secret: true,
    placeholder: 'url',
    description: '`redis://…` (may hold a password), required with `--storage redis`',
  },
  redisSentinels: {
    flag: 'redis-sentinels',
    env: 'FLOWCHAT_REDIS_SENTINELS',
    read: 'list',
    rule: z.array(hostPort('each sentinel'), { error: 'must be a list of host:port' }),
    placeholder: 'host:port,…',
    description:
      'Redis Sentinels to ask for the master (instead of `--redis-url`, which then gives only credentials)',
  },
  redisMasterName: {
    flag: 'redis-master-name',
    env: 'FLOWCHAT_REDIS_MASTER_NAME',
    read: 'text',
    rule: z.string({ error: 'must be a name' }).min(1, 'must be a name'),
    placeholder: 'name',
    description:
      "the master's name in the sentinels' `sentinel monitor` line; required with `--redis-sentinels`",
  },
  redisSentinelUsername: {
    flag: 'redis-sentinel-username',
    env: 'FLOWCHAT_REDIS_SENTINEL_USERNAME',
    read: 'text',
    rule: z.string({ error: 'must be a user name' }).min(1, 'must be a user name'),
    placeholder: 'user',
    description: "the sentinels' own ACL user, when they require one (`--redis-url` gives the data nodes')",
  },
  redisSentinelPassword: {
    flag: 'redis-sentinel-password',
    env: 'FLOWCHAT_REDIS_SENTINEL_PASSWORD',
    read: 'text',
    rule: z.string({ error: 'must be a password' }).min(1, 'must be a password'),
    secret: true,
    placeholder: 'password',
    description:
      "the sentinels' own password (`requirepass`), when they require one (`--redis-url` gives the data nodes')",
  },
  redisCluster: {
    flag: 'redis-cluster',
    env: 'FLOWCHAT_REDIS_CLUSTER',
    read: 'list',
    rule: z.array(hostPort('each node'), { error: 'must be a list of host:port' }),
    placeholder: 'host:port,…',
    description: 'any nodes of a Redis Cluster (instead of `--redis-url`, which then gives only credentials)',
  },
  redisMinReplicas: {
    flag: 'redis-min-replicas',
    env: 'FLOWCHAT_REDIS_MIN_REPLICAS',
    read: 'int',
    rule: int(0, 16),
    default: 0,
    placeholder: 'n',
    description: 'a webhook is answered 2xx only once this many replicas hold its event (Redis `WAIT`)',
  },
  redisReplicaWaitMs: {
    flag: 'redis-replica-wait-ms',
    env: 'FLOWCHAT_REDIS_REPLICA_WAIT_MS',
    read: 'int',
    rule: int(1, 1999),
    default: 500,
    placeholder: 'ms',
    description: 'how long an append waits for the replicas before the webhook gets 503',
  },
  redisShards: {
    flag: 'redis-shards',
    env: 'FLOWCHAT_REDIS_SHARDS',
    read: 'int',
    rule: int(1, 1024),
    default: 1,
    placeholder: 'n',
    description:
      "operators' stream shards over Redis Cluster slots (about one per master); changing it resets resuming clients",
  },
  redisKeyPrefix: {
    flag: 'redis-key-prefix',
    env: 'FLOWCHAT_REDIS_KEY_PREFIX',
    read: 'text',
    rule: z
      .string({ error: 'must be a key prefix' })
      .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1–64 letters, digits or _ . : - (no braces)'),
    default: 'flowchat',
    placeholder: 'prefix',
    description: 'keeps several relays or tenants apart on one Redis',
  },
  logLevel: {
    flag: 'log-level',
    env: 'FLOWCHAT_LOG_LEVEL',
    read: 'text',
    rule: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    default: 'info',
    placeholder: 'level',
    description: 'JSON log lines on stdout from `fatal` to `trace`, or `silent`',
  },
  retryMs: {
    option: 'retryMs',
    read: 'int',
    rule: int(0, 3_600_000),
    default: 3000,
    placeholder: 'ms',
    description: 'the `retry:` hint sent to SSE clients',
  },
  maxBufferedBytes: {
    option: 'maxBufferedBytes',
    read: 'int',
    rule: int(1024, 1024 * 1024 * 1024),
    placeholder: 'bytes',
    description:
      'unsent bytes of an SSE reader past which it is disconnected; default and least: 2 × (body limit + 8 KiB) + 16 KiB',
  },
  businessHoursTtlMs: {
    option: 'businessHoursTtlMs',
    read: 'int',
    rule: int(0, 24 * 3_600_000),
    default: 300_000,
    placeholder: 'ms',
    description: 'how long business hours are cached',
  },
} as const satisfies Record<string, RelaySetting>

export type RelaySettingName = keyof typeof RELAY_SETTINGS

/**
 * How an error names a setting: `--port (FLOWCHAT_PORT)` for the CLI, the option path (`retention.maxAgeMs`) for
 * `createRelay`.
 *
 * @example
 * settingLabel('port', 'cli') // '--port (FLOWCHAT_PORT)'
 */
export function settingLabel(name: RelaySettingName, audience: 'cli' | 'api'): string {
  const s: RelaySetting = RELAY_SETTINGS[name]
  if (audience === 'api') return s.option ?? name
  return s.flag ? `--${s.flag} (${s.env})` : name
}

/**
 * Settings in table order, with their names.
 *
 * @example
 * relaySettingEntries().map(([name]) => name) // ['apiKey', 'flowBaseUrl', …]
 */
export const relaySettingEntries = (): [RelaySettingName, RelaySetting][] =>
  Object.entries(RELAY_SETTINGS) as [RelaySettingName, RelaySetting][]
