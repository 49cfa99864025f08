import type { FlowRestClient } from '@flowchat/core/rest'
import type { RelayMetrics } from './metrics.js'
import type { RelayRateLimits } from './rate-limiter.js'
import type { EventStorage } from './storage/types.js'
import type { StreamRegistry } from './stream-registry.js'
import type { TokenService } from './token-service.js'

/** What every route module gets: the relay's parts and its resolved settings. */
export interface RelayContext {
  storage: EventStorage
  tokens: TokenService
  rest: FlowRestClient
  metrics: RelayMetrics
  streams: StreamRegistry
  limits: RelayRateLimits
  settings: {
    webhookSecret: string
    operatorPassword: string | undefined
    anonymousSessions: boolean
    bodyLimitBytes: number
    uploadLimitBytes: number
    heartbeatMs: number
    retryMs: number
    maxBufferedBytes: number
    businessHoursTtlMs: number
    /** `/metrics` is served on the API port (false when it has a port of its own). */
    metricsOnMainPort: boolean
    metricsToken: string | undefined
  }
}
