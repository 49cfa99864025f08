/**
 * `@flowchat/relay`: the self-hosted server that makes Flow.ai live in a browser without exposing the API key.
 */
export { createRelay } from './relay.js'
export { ConfigError } from './config-error.js'
export { createMemoryStorage } from './storage/memory-storage.js'
export { createRedisStorage } from './storage/redis-storage.js'
export { compareEventIds, createIdGenerator, isEventId } from './storage/event-id.js'

export type { Relay, RelayOptions } from './relay.js'
export type { ConfigIssue } from './config-error.js'
export type { MemoryStorageOptions } from './storage/memory-storage.js'
export type { RedisStorageOptions } from './storage/redis-storage.js'
export type {
  AppendInput,
  AppendResult,
  EventEnvelope,
  EventStorage,
  ReadResult,
  RetentionOptions,
  StreamKey,
} from './storage/types.js'
export type { RateLimit } from './rate-limiter.js'
export type { TokenClaims } from './token-service.js'
