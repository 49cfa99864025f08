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
