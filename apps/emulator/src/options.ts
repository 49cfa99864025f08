import { randomBytes } from 'node:crypto'
import { MAX_TIMER_MS } from '@flowchat/core/rest'
import type { BusinessHours, Dialect } from '@flowchat/core/schemas'
import type { BotScript } from './bot/script.js'
import { quietLogger, type EmulatorLogger } from './logger.js'
import { webhookLabel, webhookUrlProblem } from './webhook/webhook-url.js'

/** Which `Authorization` header styles are accepted: `raw` (`<key>`), `bearer` (`Bearer <key>`) or both. */
export type AuthMode = 'raw' | 'bearer' | 'both'

/** Webhook delivery back-off. */
export interface RetryOptions {
  /** First retry delay; each further one doubles. Default 1 000 ms. */
  baseDelayMs?: number
  /** Longest delay between two attempts. Default 10 minutes. */
  maxDelayMs?: number
  /** An attempt without an answer within this time is a failure. Default 10 000 ms. */
  timeoutMs?: number
}

/** Faults injected into webhook delivery, for testing receivers. */
export interface FaultOptions {
  /** Fraction (0..1) of successful deliveries sent a second time, byte for byte. */
  duplicateRate?: number
  /** Fraction (0..1) of attempts that fail without reaching the receiver (then retried as usual). */
  failRate?: number
  /** Extra wait before each delivery attempt, in ms (random 0..delayMs when `reorder`). */
  delayMs?: number
  /** Randomise the extra wait so events of different threads arrive out of order (never within a thread). */
  reorder?: boolean
  /** Seed for the fault dice, so a run can be repeated. */
  seed?: number
}

/** Options of `startEmulator`; every field optional. */
export interface EmulatorOptions {
  /** 0 picks a free port (the default for the API; the CLI defaults to 8787). */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  /** Default: a generated development key, exposed as `emulator.apiKey`. */
  apiKey?: string
  /** Default `both`. */
  auth?: AuthMode
  /** Webhook event names: `current` (`message`, `paused`, …) or `legacy` (`message.reply`, …). Default `current`. */
  dialect?: Dialect
  /** Webhook URLs registered (and probed) at start. */
  webhooks?: string[]
  /** Bot rules: an object, or the path of a JSON file. */
  script?: BotScript | string
  /** Added before each REST answer, in ms. Default 0. */
  latencyMs?: number
  /** Delay between the parts of a multi-part bot reply, in ms. Default 0 for the API (the CLI uses 300). */
  replyDelayMs?: number
  /** How long an undelivered webhook event is retried. Default 4 hours. */
  retryMaxAgeMs?: number
  retry?: RetryOptions
  faults?: FaultOptions
  /** Answered by `GET businesshours` (overrides the script's). */
  businessHours?: BusinessHours[]
  /** Answered by `GET trigger/event` (overrides the script's). */
  triggerEvents?: string[]
  /** Largest JSON body, in bytes. Default 1 MiB. */
  bodyLimitBytes?: number
  /** Largest multipart upload, in bytes. Default 250 MB, as documented. */
  uploadLimitBytes?: number
  /** Default: quiet. */
  logger?: EmulatorLogger
}

/** The options with every default applied (the script is loaded separately). */
export interface ResolvedOptions {
  port: number
  host: string
  apiKey: string
  auth: AuthMode
  dialect: Dialect
  webhooks: string[]
  latencyMs: number
  replyDelayMs: number
  retryMaxAgeMs: number
  retry: Required<RetryOptions>
  faults: Required<Omit<FaultOptions, 'seed'>> & { seed?: number }
  bodyLimitBytes: number
  uploadLimitBytes: number
  logger: EmulatorLogger
}

export const DEFAULTS = {
  host: '127.0.0.1',
  auth: 'both',
  dialect: 'current',
  retryMaxAgeMs: 4 * 60 * 60 * 1000,
  retry: { baseDelayMs: 1000, maxDelayMs: 10 * 60 * 1000, timeoutMs: 10_000 },
  bodyLimitBytes: 1024 * 1024,
  uploadLimitBytes: 250 * 1000 * 1000,
} as const satisfies Partial<ResolvedOptions>

// The longest wait a timer holds (2^31-1 ms, about 24.8 days): Node cuts a longer one to 1 ms with only a warning,
// so every option that becomes a timer is refused above it.
export { MAX_TIMER_MS }

/** A development key that is new on every start, so no key is ever written down. */
export function generateApiKey(): string {
  return `dev_${randomBytes(18).toString('base64url')}`
}

/**
 * Applies defaults and checks ranges; throws a `RangeError` naming the option.
 *
 * @example
 * resolveOptions({ port: 0 }).host // '127.0.0.1'
 */
export function resolveOptions(options: EmulatorOptions): ResolvedOptions {
  const nonNegative = (name: string, value: number | undefined, fallback: number): number => {
    const v = value ?? fallback
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`${name}: must be a number ≥ 0`)
    return v
  }
  // A wait that becomes a timer: `least` 1 for the retry delays and timeout, where 0 retried in a busy loop.
  const timer = (name: string, value: number | undefined, fallback: number, least = 0): number => {
    const v = value ?? fallback
    if (!Number.isFinite(v) || v < least || v > MAX_TIMER_MS)
      throw new RangeError(`${name}: must be a number from ${least} to ${MAX_TIMER_MS}`)
    return v
  }
  const rate = (name: string, value: number | undefined): number => {
    const v = value ?? 0
    if (!Number.isFinite(v) || v < 0 || v > 1) throw new RangeError(`${name}: must be between 0 and 1`)
    return v
  }
  const port = options.port ?? 0
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError('port: must be a whole number from 0 to 65535')
  }
  const auth = options.auth ?? DEFAULTS.auth
  if (!['raw', 'bearer', 'both'].includes(auth)) throw new RangeError('auth: must be raw, bearer or both')
  const dialect = options.dialect ?? DEFAULTS.dialect
  if (!['current', 'legacy'].includes(dialect)) throw new RangeError('dialect: must be current or legacy')
  const apiKey = options.apiKey ?? generateApiKey()
  if (apiKey.length === 0 || /\s/.test(apiKey)) {
    throw new RangeError('apiKey: must be non-empty and without spaces')
  }
  const webhooks = options.webhooks ?? []
  webhooks.forEach((url, i) => {
    const problem = webhookUrlProblem(url)
    if (problem) throw new RangeError(`webhooks[${i}] ${webhookLabel(url)}: ${problem}`)
  })
  const faults = options.faults ?? {}
  return {
    port,
    host: options.host ?? DEFAULTS.host,
    apiKey,
    auth,
    dialect,
    webhooks,
    latencyMs: timer('latencyMs', options.latencyMs, 0),
    replyDelayMs: timer('replyDelayMs', options.replyDelayMs, 0),
    retryMaxAgeMs: nonNegative('retryMaxAgeMs', options.retryMaxAgeMs, DEFAULTS.retryMaxAgeMs),
    retry: {
      baseDelayMs: timer('retry.baseDelayMs', options.retry?.baseDelayMs, DEFAULTS.retry.baseDelayMs, 1),
      maxDelayMs: timer('retry.maxDelayMs', options.retry?.maxDelayMs, DEFAULTS.retry.maxDelayMs, 1),
      timeoutMs: timer('retry.timeoutMs', options.retry?.timeoutMs, DEFAULTS.retry.timeoutMs, 1),
    },
    faults: {
      duplicateRate: rate('faults.duplicateRate', faults.duplicateRate),
      failRate: rate('faults.failRate', faults.failRate),
      delayMs: timer('faults.delayMs', faults.delayMs, 0),
      reorder: faults.reorder ?? false,
      ...(faults.seed === undefined ? {} : { seed: faults.seed }),
    },
    bodyLimitBytes: nonNegative('bodyLimitBytes', options.bodyLimitBytes, DEFAULTS.bodyLimitBytes),
    uploadLimitBytes: nonNegative('uploadLimitBytes', options.uploadLimitBytes, DEFAULTS.uploadLimitBytes),
    logger: options.logger ?? quietLogger,
  }
}
