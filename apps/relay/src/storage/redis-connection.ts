import { Cluster, Redis, type RedisOptions } from 'ioredis'

/** One Redis node (a Sentinel, or a Cluster node to discover the cluster from). */
export interface RedisNodeAddress {
  host: string
  port: number
}

/**
 * Where Redis is: one server (`url`), a master found through Sentinel (`sentinels` + `masterName`; a `url`
 * then gives only credentials and db), or a Redis Cluster (`clusterNodes`, any of its nodes; a `url` then
 * gives only credentials).
 */
export interface RedisTarget {
  url?: string | undefined
  sentinels?: readonly RedisNodeAddress[] | undefined
  masterName?: string | undefined
  clusterNodes?: readonly RedisNodeAddress[] | undefined
  /** The sentinels' own ACL user, when they require one (their `requirepass` or `user` lines). */
  sentinelUsername?: string | undefined
  /** The sentinels' own password, when they require one; the data nodes' comes from `url`. */
  sentinelPassword?: string | undefined
}

/** A connection to one server or master (`Redis`), or to a whole cluster (`Cluster`). */
export type RedisClient = Redis | Cluster

export interface RedisConnectionOptions {
  target: RedisTarget
  /** Shown in `CLIENT LIST`, so an operator can tell the relay's connections apart. */
  name: string
  /** Longest wait for one command's answer; undefined for the blocking connection (its XREAD waits on purpose). */
  commandTimeoutMs: number | undefined
  /** Called with connection errors (ioredis reconnects by itself; this is for logs). */
  onError: (error: Error) => void
}

/**
 * Checks a target: exactly one of `url`, `sentinels` with `masterName`, or `clusterNodes`. Throws an error
 * naming the option and the rule.
 *
 * @example
 * checkRedisTarget({ sentinels: [{ host: '10.0.0.1', port: 26379 }], masterName: 'flowchat' })
 */
export function checkRedisTarget(target: RedisTarget): void {
  const kinds = [target.sentinels !== undefined, target.clusterNodes !== undefined]
  if (kinds.every(Boolean)) {
    throw new Error('redis storage: sentinels and clusterNodes: give one of them, not both')
  }
  if (target.sentinels !== undefined) {
    if (target.sentinels.length === 0) throw new Error('redis storage: sentinels: must list at least one')
    if (!target.masterName) throw new Error('redis storage: masterName: required with sentinels')
  } else if (target.masterName !== undefined) {
    throw new Error('redis storage: masterName: only with sentinels')
  } else if (target.sentinelUsername !== undefined || target.sentinelPassword !== undefined) {
    throw new Error('redis storage: sentinelUsername, sentinelPassword: only with sentinels')
  }
  if (target.clusterNodes?.length === 0)
    throw new Error('redis storage: clusterNodes: must list at least one')
  for (const [name, nodes] of [
    ['sentinels', target.sentinels],
    ['clusterNodes', target.clusterNodes],
  ] as const) {
    for (const node of nodes ?? []) {
      if (typeof node.host !== 'string' || node.host.length === 0) {
        throw new Error(`redis storage: ${name}: each needs a host`)
      }
      if (!Number.isInteger(node.port) || node.port < 1 || node.port > 65_535) {
        throw new Error(`redis storage: ${name}: port must be an integer from 1 to 65535`)
      }
    }
  }
  if (!kinds.some(Boolean) && !target.url) {
    throw new Error('redis storage: url: required (or sentinels with masterName, or clusterNodes)')
  }
  if (target.url !== undefined) {
    let url: URL
    try {
      url = new URL(target.url)
    } catch {
      // Never echo the URL: it may hold a password.
      throw new Error('redis storage: url: not a URL (redis://[user:password@]host:port[/db])')
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
      throw new Error('redis storage: url: must start with redis:// or rediss://')
    }
    if (redisUrlDatabase(url) === undefined) throw new Error(`redis storage: url: ${REDIS_URL_DB_RULE}`)
  }
}

/** What the path of a `redis://` URL must be; ioredis sends any other path to `SELECT` as it is. */
export const REDIS_URL_DB_RULE =
  'the path after the host must be a database number (redis://host:6379/0) or nothing'

/**
 * The database a `redis://` URL selects: its path's number, 0 without a path; undefined when the path is not a
 * number. ioredis takes `/abc` for `SELECT NaN`, whose refusal it throws where nothing can catch it (the process
 * crashed), and `/1x` for db 1.
 *
 * @example
 * redisUrlDatabase(new URL('redis://10.0.0.5:6379/2')) // 2
 */
export function redisUrlDatabase(url: URL): number | undefined {
  if (url.pathname === '' || url.pathname === '/') return 0
  return /^\/\d{1,9}$/.test(url.pathname) ? Number(url.pathname.slice(1)) : undefined
}

/** Credentials, db and TLS of a `redis://` URL, for Sentinel and Cluster targets. */
function credentials(url: string | undefined): Partial<RedisOptions> {
  if (url === undefined) return {}
  const u = new URL(url)
  const db = redisUrlDatabase(u) ?? 0
  return {
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db > 0 ? { db } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  }
}

/**
 * An ioredis connection that fails fast instead of queueing: while Redis is unreachable every command
 * rejects at once (a webhook then answers 503 and Flow.ai retries), and a command in flight when the
 * connection drops rejects rather than being re-sent later behind the caller's back. ioredis keeps
 * reconnecting on its own, at most a second apart; through Sentinel it asks the sentinels for the master
 * each time (and listens for their `+switch-master`), so a failover is followed within about a second.
 *
 * @example
 * const redis = createRedisConnection({ target: { url }, name: 'flowchat-relay', commandTimeoutMs: 2000, onError: log })
 */
export function createRedisConnection(options: RedisConnectionOptions): RedisClient {
  const { target } = options
  checkRedisTarget(target)
  const common = {
    connectionName: options.name,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: 2_000,
    // A dead peer on a blocking XREAD is noticed by a client-side timer (BLOCK time plus a grace period).
    blockingTimeout: options.commandTimeoutMs === undefined ? 1_000 : undefined,
  } satisfies RedisOptions
  const retryStrategy = (attempt: number) => Math.min(attempt * 100, 1_000)
  let redis: RedisClient
  if (target.clusterNodes !== undefined) {
    redis = new Cluster(
      target.clusterNodes.map(({ host, port }) => ({ host, port })),
      {
        enableOfflineQueue: false,
        clusterRetryStrategy: retryStrategy,
        retryDelayOnFailover: 100,
        retryDelayOnClusterDown: 100,
        slotsRefreshTimeout: 2_000,
        redisOptions: { ...common, ...credentials(target.url) },
      },
    )
  } else if (target.sentinels !== undefined) {
    redis = new Redis({
      ...common,
      ...credentials(target.url),
      sentinels: target.sentinels.map(({ host, port }) => ({ host, port })),
      name: target.masterName ?? '',
      ...(target.sentinelUsername === undefined ? {} : { sentinelUsername: target.sentinelUsername }),
      ...(target.sentinelPassword === undefined ? {} : { sentinelPassword: target.sentinelPassword }),
      role: 'master',
      failoverDetector: true,
      sentinelRetryStrategy: retryStrategy,
      retryStrategy,
    })
  } else {
    redis = new Redis(target.url ?? '', { ...common, retryStrategy })
  }
  // Without a listener ioredis prints every reconnect error; the storage reports them through onError.
  redis.on('error', options.onError)
  redis.on('end', () => {
    if (closing.has(redis)) return
    // ioredis gives a connection up in a few races it does not retry, though its retry strategy never gives up:
    // through Sentinel, a `+switch-master` that arrives while it asks a sentinel for the master ends the connection
    // for good (its failover detector closes the connector that is connecting). Nothing else would connect it again.
    options.onError(
      new Error(`redis storage: ioredis closed the connection ${options.name}; connecting again`),
    )
    setTimeout(() => {
      if (!closing.has(redis) && redis.status === 'end') redis.connect().catch(() => undefined)
    }, retryStrategy(1)).unref()
  })
  return redis
}

/** Connections the relay closed on purpose: only these stay closed. */
const closing = new WeakSet<RedisClient>()

/**
 * Closes a connection for good; every other end of one is a loss, connected again. `QUIT` lets commands in
 * flight finish; without `graceful`, or when Redis is unreachable, the socket is dropped at once.
 *
 * @example
 * await closeRedisConnection(commands, { graceful: true })
 */
export async function closeRedisConnection(
  redis: RedisClient,
  { graceful = false }: { graceful?: boolean } = {},
): Promise<void> {
  closing.add(redis)
  if (graceful) await redis.quit().catch(() => redis.disconnect())
  else redis.disconnect()
}

/**
 * Resolves once the connection is ready, waiting at most `waitMs` (the first connect after start, or a
 * reconnect in progress); rejects otherwise, so callers fail fast while Redis is down.
 *
 * @example
 * await whenReady(redis, 500)
 */
export function whenReady(redis: RedisClient, waitMs: number): Promise<void> {
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

/**
 * Like `whenReady`, and on a cluster also waits for a connection to every master. ioredis connects to a cluster's
 * nodes only when a command first goes to one, and without an offline queue that command fails and is retried a
 * moment later: it could then run after a command sent after it (a subscription's starting point after an append),
 * so the storage connects to every master before sending anything.
 *
 * @example
 * await whenAllReady(commands, 1000)
 */
export async function whenAllReady(redis: RedisClient, waitMs: number): Promise<void> {
  await whenReady(redis, waitMs)
  if (!(redis instanceof Cluster)) return
  await Promise.all(
    redis.nodes('master').map((node) => {
      if (node.status === 'wait') node.connect().catch(() => undefined)
      return whenReady(node, waitMs)
    }),
  )
}
