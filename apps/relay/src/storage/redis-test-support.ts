/**
 * Test support for the Redis backend (not shipped: imported by tests only): the Redis to test against, a
 * check that fails loudly when it is missing, a private redis-server to stop and restart, and key cleanup.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import { Redis } from 'ioredis'

/** The Redis tests use: `FLOWCHAT_REDIS_URL`, else the machine's own. */
export const testRedisUrl = process.env.FLOWCHAT_REDIS_URL ?? 'redis://127.0.0.1:6379'

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return '(unparsable Redis URL)'
  }
}

/**
 * Throws a message saying what to do when Redis does not answer: these tests never skip silently, in CI
 * or anywhere else.
 *
 * @example
 * beforeAll(() => requireRedis(testRedisUrl))
 */
export async function requireRedis(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
  let connectionError: Error | undefined
  redis.on('error', (error: Error) => (connectionError ??= error))
  try {
    await redis.connect()
    await redis.ping()
  } catch (error) {
    const cause = connectionError ?? error
    const why = cause instanceof Error ? cause.message : String(cause)
    throw new Error(
      `Redis is not reachable at ${redactUrl(url)} (${why}). The Redis storage tests need a real Redis: ` +
        `start redis-server, or set FLOWCHAT_REDIS_URL${process.env.CI === 'true' ? ' (CI=true)' : ''}.`,
      { cause: error },
    )
  } finally {
    redis.disconnect()
  }
}

/** A fresh key prefix, so tests sharing one Redis never see each other's keys. */
export const randomPrefix = (name = 'test') => `flowchat-${name}-${randomBytes(6).toString('hex')}`

/**
 * Deletes every key under the given prefixes.
 *
 * @example
 * afterAll(() => deleteKeys(testRedisUrl, prefixes))
 */
export async function deleteKeys(url: string, prefixes: readonly string[]): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 0 })
  redis.on('error', () => undefined)
  try {
    for (const prefix of prefixes) {
      let cursor = '0'
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000)
        if (keys.length > 0) await redis.del(...keys)
        cursor = next
      } while (cursor !== '0')
    }
  } finally {
    redis.disconnect()
  }
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

/** A redis-server of the test's own, without persistence, to stop and restart. */
export interface PrivateRedis {
  readonly url: string
  readonly port: number
  /** Stops it (SIGKILL: Redis is gone, as after a crash) and waits for the exit. */
  stop(): Promise<void>
  /** Starts it again on the same port, empty. */
  start(): Promise<void>
}

/**
 * Starts `redis-server` on a spare port. Call `stop()` in `afterAll`, also when the test failed.
 *
 * @example
 * const redis = await startPrivateRedis()
 * afterAll(() => redis.stop())
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort()
  const url = `redis://127.0.0.1:${port}`
  let proc: ChildProcess | undefined

  async function start(): Promise<void> {
    if (proc) return
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    )
    proc = child
    let failure: string | undefined
    child.once('error', (error) => (failure = `redis-server did not start: ${error.message}`))
    child.once('exit', (code) => (failure ??= `redis-server exited at start (code ${code})`))
    for (let attempt = 0; attempt < 100 && failure === undefined; attempt++) {
      if (
        await requireRedis(url).then(
          () => true,
          () => false,
        )
      )
        return
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    await stop()
    throw new Error(failure ?? `redis-server on port ${port} did not answer`)
  }

  async function stop(): Promise<void> {
    const child = proc
    proc = undefined
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.kill('SIGKILL')
    await exited
  }

  await start()
  return { url, port, start, stop }
}
