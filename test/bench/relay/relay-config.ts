import { randomBytes } from 'node:crypto'

/**
 * Secrets made fresh for one run: nothing a benchmark uses is a credential anyone could reuse, and none is written
 * into the repository.
 *
 * @example
 * const { webhookSecret } = freshSecrets()
 */
export function freshSecrets(): RelayConfig['secrets'] {
  const secret = () => randomBytes(32).toString('base64url')
  return { apiKey: secret(), webhookSecret: secret(), tokenSecret: secret() }
}

/** What the benchmark passes to `relay-process.ts`. */
export interface RelayConfig {
  storage: 'memory' | 'redis'
  redisUrl?: string | undefined
  /** Prefix of this run's Redis keys (`<prefix>:…`), deleted when the relay stops. */
  keyPrefix: string
  retentionEvents: number
  maxStreamsPerIp: number
  maxStreamsPerToken: number
  /**
   * Fresh per run, made by the benchmark: instances given the same ones accept each other's tokens and webhook
   * URL. Never a credential anyone could reuse.
   */
  secrets: { apiKey: string; webhookSecret: string; tokenSecret: string }
  /** Leave the Redis keys in place on stop (a second instance; the first one deletes them). */
  keepKeys?: boolean
  /**
   * Retention other than the benchmarks' (an hour; for memory storage 64 MiB of events and 100,000 dedupe keys,
   * the production defaults): the soak shortens it so retention fills within its run and whatever grows after
   * that is not retention. `maxBytes` and `maxKeys` apply to memory storage only.
   */
  retention?: { maxAgeMs?: number; maxBytes?: number; maxKeys?: number }
  /** Where sends go (a stub answering `{"status":"ok"}`). Default a closed port: any send fails fast. */
  flowBaseUrl?: string
  /** Rate limits other than the production defaults (the soak's visitors all come from one address). */
  rateLimit?: Record<'sendsPerToken' | 'sendsPerIp' | 'sessionsPerIp', { burst: number; perSecond: number }>
}

export interface RelayInfo {
  url: string
  webhookUrl: string
}
