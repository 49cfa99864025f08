import { Cluster } from 'ioredis'
import type { RedisClient } from './redis-connection.js'

/**
 * Why a Redis server whose `INFO memory` reads `info` may delete the relay's keys, or undefined when it never
 * does. With a `maxmemory` and any policy but `noeviction`, a full Redis deletes keys to make room: a thread's
 * stream (its streams and dedupe keys expire, so even the `volatile-*` policies take them), losing events that were
 * acknowledged, or a dedupe key, so a retried webhook is stored twice. Without a `maxmemory` (0) nothing is evicted.
 *
 * @example
 * evictionRisk('maxmemory:104857600\r\nmaxmemory_policy:allkeys-lru\r\n') // 'maxmemory-policy allkeys-lru …'
 */
export function evictionRisk(info: string): string | undefined {
  const field = (name: string) => new RegExp(`^${name}:(\\S*)`, 'm').exec(info)?.[1]
  const policy = field('maxmemory_policy')
  const maxmemory = Number(field('maxmemory'))
  if (policy === undefined || policy === 'noeviction' || !(maxmemory > 0)) return undefined
  return `maxmemory-policy ${policy} with maxmemory ${(maxmemory / 2 ** 20).toFixed(0)} MiB`
}

/**
 * Asks the server (on a cluster, every master) whether it may evict keys, and reports each that may through
 * `report`: the relay trims its own log (retention), so Redis should refuse writes when full instead of deleting
 * what the relay acknowledged. A server that does not answer `INFO` (a managed Redis may rename it) is not reported.
 *
 * @example
 * redis.on('ready', () => void checkEviction(redis, onError))
 */
export async function checkEviction(redis: RedisClient, report: (error: Error) => void): Promise<void> {
  const servers = redis instanceof Cluster ? redis.nodes('master') : [redis]
  await Promise.all(
    servers.map(async (server) => {
      const info = await server.info('memory').catch(() => '')
      const risk = evictionRisk(info)
      if (risk === undefined) return
      const where = redis instanceof Cluster ? ` (${server.options.host}:${server.options.port})` : ''
      report(
        new Error(
          `redis storage: Redis${where} deletes keys when full (${risk}): events the relay acknowledged and ` +
            'the dedupe keys of stored webhooks can vanish. Set `maxmemory-policy noeviction`: the relay trims ' +
            'its own log (--retention-max-events, --retention-max-age), and a full Redis then answers webhooks 503.',
        ),
      )
    }),
  )
}
