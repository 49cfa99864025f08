import { parseArgs } from 'node:util'
import * as z from 'zod'
import type { RelayOptions } from './relay.js'

/** One setting: its flag, its environment variable, and whether it is a secret (never echoed). */
const SETTINGS = {
  apiKey: { flag: 'api-key', env: 'FLOWCHAT_API_KEY', secret: true },
  flowBaseUrl: { flag: 'flow-base-url', env: 'FLOWCHAT_FLOW_BASE_URL' },
  auth: { flag: 'auth', env: 'FLOWCHAT_AUTH' },
  webhookSecret: { flag: 'webhook-secret', env: 'FLOWCHAT_WEBHOOK_SECRET', secret: true },
  tokenSecret: { flag: 'token-secret', env: 'FLOWCHAT_TOKEN_SECRET', secret: true },
  tokenTtlSeconds: { flag: 'token-ttl', env: 'FLOWCHAT_TOKEN_TTL' },
  operatorPassword: { flag: 'operator-password', env: 'FLOWCHAT_OPERATOR_PASSWORD', secret: true },
  anonymousSessions: { flag: 'anonymous-sessions', env: 'FLOWCHAT_ANONYMOUS_SESSIONS' },
  corsOrigins: { flag: 'cors-origins', env: 'FLOWCHAT_CORS_ORIGINS' },
  host: { flag: 'host', env: 'FLOWCHAT_HOST' },
  port: { flag: 'port', env: 'FLOWCHAT_PORT' },
  retentionMaxEvents: { flag: 'retention-max-events', env: 'FLOWCHAT_RETENTION_MAX_EVENTS' },
  retentionMaxAgeSeconds: { flag: 'retention-max-age', env: 'FLOWCHAT_RETENTION_MAX_AGE' },
  bodyLimitBytes: { flag: 'body-limit', env: 'FLOWCHAT_BODY_LIMIT' },
  uploadLimitBytes: { flag: 'upload-limit', env: 'FLOWCHAT_UPLOAD_LIMIT' },
  heartbeatMs: { flag: 'heartbeat-ms', env: 'FLOWCHAT_HEARTBEAT_MS' },
  maxStreamsPerToken: { flag: 'max-streams-per-token', env: 'FLOWCHAT_MAX_STREAMS_PER_TOKEN' },
  maxStreamsPerIp: { flag: 'max-streams-per-ip', env: 'FLOWCHAT_MAX_STREAMS_PER_IP' },
  trustProxy: { flag: 'trust-proxy', env: 'FLOWCHAT_TRUST_PROXY' },
  storage: { flag: 'storage', env: 'FLOWCHAT_STORAGE' },
  redisUrl: { flag: 'redis-url', env: 'FLOWCHAT_REDIS_URL', secret: true },
  logLevel: { flag: 'log-level', env: 'FLOWCHAT_LOG_LEVEL' },
} as const satisfies Record<string, { flag: string; env: string; secret?: boolean }>

type Setting = keyof typeof SETTINGS

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max)
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => ['true', '1', 'yes'].includes(v))

/** Every setting as read from strings, with its rule. */
const baseSchema = z.object({
  apiKey: z.string({ error: 'required' }).min(1, 'required'),
  flowBaseUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .default('https://api.flow.ai/rest/v1/'),
  auth: z.enum(['raw', 'bearer'], { error: 'must be raw or bearer' }).default('raw'),
  webhookSecret: z
    .string({ error: 'required' })
    .min(16, 'must be at least 16 characters')
    .regex(/^[A-Za-z0-9_.~-]+$/, 'must use only URL-safe characters (letters, digits, - _ . ~)'),
  tokenSecret: z.string({ error: 'required' }).min(32, 'must be at least 32 characters'),
  tokenTtlSeconds: int(60, 7 * 24 * 3600).default(3600),
  operatorPassword: z.string().min(12, 'must be at least 12 characters').optional(),
  anonymousSessions: bool.default(true),
  corsOrigins: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z.union([
          z.literal('*'),
          z.url({ error: 'each origin must be * or a URL like https://shop.example' }),
        ]),
      ),
    )
    .default([]),
  host: z.string().min(1).default('127.0.0.1'),
  port: int(0, 65535).default(8787),
  retentionMaxEvents: int(1, 1_000_000).default(1000),
  retentionMaxAgeSeconds: int(1, 30 * 24 * 3600).default(24 * 3600),
  bodyLimitBytes: int(1024, 100 * 1024 * 1024).default(1024 * 1024),
  uploadLimitBytes: int(1024, 250 * 1024 * 1024).default(25 * 1024 * 1024),
  heartbeatMs: int(1000, 300_000).default(15_000),
  maxStreamsPerToken: int(1, 1000).default(5),
  maxStreamsPerIp: int(1, 100_000).default(50),
  trustProxy: bool.default(false),
  storage: z.enum(['memory', 'redis'], { error: 'must be memory or redis' }).default('memory'),
  redisUrl: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
})
const configSchema = baseSchema.check((ctx) => {
  if (ctx.value.storage === 'redis' && !ctx.value.redisUrl) {
    ctx.issues.push({
      code: 'custom',
      path: ['redisUrl'],
      message: 'required with --storage redis',
      input: undefined,
    })
  }
})

export type RelayConfig = z.output<typeof configSchema>

/** A configuration problem: the message names the flag and the variable, never a secret's value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
}

const describe = (key: string) => {
  const s = SETTINGS[key as Setting] as { flag: string; env: string } | undefined
  return s ? `--${s.flag} (${s.env})` : key
}

/** The flags of every setting, for `parseArgs`. */
export const settingFlags = Object.fromEntries(
  Object.values(SETTINGS).map((s) => [s.flag, { type: 'string' as const }]),
) as Record<string, { type: 'string' }>

/**
 * Reads the configuration from flags (which win) and `FLOWCHAT_*` variables, and validates it. Throws a
 * `ConfigError` naming every missing or bad setting; secrets' values never appear in it.
 *
 * @example
 * const config = loadConfig(process.argv.slice(2), process.env)
 */
export function loadConfig(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { only?: Setting[] } = {},
): RelayConfig {
  let values: Record<string, string | boolean | undefined>
  try {
    ;({ values } = parseArgs({ args, options: settingFlags, strict: true, allowPositionals: false }))
  } catch (error) {
    // parseArgs names the unknown flag; it never holds a value of a known one.
    throw new ConfigError(error instanceof Error ? error.message : String(error))
  }
  const raw: Record<string, string> = {}
  for (const [key, s] of Object.entries(SETTINGS)) {
    const value = values[s.flag] ?? env[s.env]
    if (typeof value === 'string' && value !== '') raw[key] = value
  }
  const schema = options.only
    ? baseSchema.pick(Object.fromEntries(options.only.map((k) => [k, true])) as Record<Setting, true>)
    : configSchema
  const parsed = schema.safeParse(raw)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${describe(String(i.path[0] ?? ''))}: ${i.message}`)
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`)
  }
  return parsed.data
}

/**
 * The `createRelay` options of a validated configuration (without storage, which the entry point chooses).
 *
 * @example
 * const relay = await createRelay(relayOptions(config))
 */
export function relayOptions(config: RelayConfig): RelayOptions {
  return {
    apiKey: config.apiKey,
    flowBaseUrl: config.flowBaseUrl,
    auth: config.auth,
    webhookSecret: config.webhookSecret,
    tokenSecret: config.tokenSecret,
    tokenTtlSeconds: config.tokenTtlSeconds,
    ...(config.operatorPassword ? { operatorPassword: config.operatorPassword } : {}),
    anonymousSessions: config.anonymousSessions,
    corsOrigins: config.corsOrigins,
    host: config.host,
    port: config.port,
    retention: { maxEvents: config.retentionMaxEvents, maxAgeMs: config.retentionMaxAgeSeconds * 1000 },
    bodyLimitBytes: config.bodyLimitBytes,
    uploadLimitBytes: config.uploadLimitBytes,
    heartbeatMs: config.heartbeatMs,
    maxStreamsPerToken: config.maxStreamsPerToken,
    maxStreamsPerIp: config.maxStreamsPerIp,
    trustProxy: config.trustProxy,
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
  }
}
