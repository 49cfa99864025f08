import { Redis } from 'ioredis'

export interface RedisConnectionOptions {
  url: string
  /** Shown in `CLIENT LIST`, so an operator can tell the relay's connections apart. */
  name: string
  /** Longest wait for one command's answer; undefined for the blocking connection (its XREAD waits on purpose). */
  commandTimeoutMs: number | undefined
  /** Called with connection errors (ioredis reconnects by itself; this is for logs). */
  onError: (error: Error) => void
}

/**
 * An ioredis connection that fails fast instead of queueing: while Redis is unreachable every command
 * rejects at once (a webhook then answers 503 and Flow.ai retries), and a command in flight when the
 * connection drops rejects rather than being re-sent later behind the caller's back. ioredis keeps
 * reconnecting on its own, at most a second apart.
 *
 * @example
 * const redis = createRedisConnection({ url, name: 'flowchat-relay', commandTimeoutMs: 2000, onError: log })
 */
export function createRedisConnection(options: RedisConnectionOptions): Redis {
  const redis = new Redis(options.url, {
    connectionName: options.name,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: 2_000,
    // A dead peer on a blocking XREAD is noticed by a client-side timer (BLOCK time plus a grace period).
    blockingTimeout: options.commandTimeoutMs === undefined ? 1_000 : undefined,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
  })
  // Without a listener ioredis prints every reconnect error; the storage reports them through onError.
  redis.on('error', options.onError)
  return redis
}

/**
 * Resolves once the connection is ready, waiting at most `waitMs` (the first connect after start, or a
 * reconnect in progress); rejects otherwise, so callers fail fast while Redis is down.
 *
 * @example
 * await whenReady(redis, 500)
 */
export function whenReady(redis: Redis, waitMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve()
  if (redis.status === 'end') return Promise.reject(new Error('redis storage: the connection is closed'))
  return new Promise((resolve, reject) => {
    const onReady = () => {
      clearTimeout(timer)
      resolve()
    }
    const timer = setTimeout(() => {
      redis.off('ready', onReady)
      reject(new Error(`redis storage: Redis is not reachable (connection ${redis.status})`))
    }, waitMs)
    redis.once('ready', onReady)
  })
}
