/** What the benchmark passes to `relay-process.ts`. */
export interface RelayConfig {
  storage: 'memory' | 'redis'
  redisUrl?: string | undefined
  /** Prefix of this run's Redis keys (`<prefix>:…`), deleted when the relay stops. */
  keyPrefix: string
  retentionEvents: number
  maxStreamsPerIp: number
  maxStreamsPerToken: number
}

export interface RelayInfo {
  url: string
  webhookUrl: string
}
