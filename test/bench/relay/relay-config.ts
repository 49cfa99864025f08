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
}

export interface RelayInfo {
  url: string
  webhookUrl: string
}
