// An operator's slips in pointing the relay at a Sentinel group or a Redis Cluster (found by the HA walk): each one
// stops start-up at once with exit code 1 and a line naming the setting to change, or starts with a warning, instead
// of waiting out the 30 s given to a Redis that does not answer yet, or starting on a log it cannot keep. No password
// appears in any output.
import { randomBytes } from 'node:crypto'
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  redisCommand,
  requireRedisBinaries,
  startRedisCluster,
  startSentinelGroup,
  stopAllRedisServers,
  type RedisClusterGroup,
  type SentinelGroup,
} from './storage/redis-servers-test-support.js'
import { randomPrefix } from './storage/redis-test-support.js'
import { testSecrets } from './testing/fake-flow.js'

const bin = fileURLToPath(new URL('../bin/flowchat-relay.js', import.meta.url))
const sentinelPassword = randomBytes(12).toString('hex')
let group: SentinelGroup
let cluster: RedisClusterGroup
let dir: string
let masterPort: number
const running = new Set<ReturnType<typeof spawn>>()

beforeAll(async () => {
  await requireRedisBinaries()
  ;[group, cluster] = await Promise.all([startSentinelGroup(), startRedisCluster()])
  masterPort = await group.masterPort()
  // The sentinels ask for a password of their own (Redis 6.2+ takes ACL commands in sentinel mode).
  for (const { port } of group.sentinels) {
    await redisCommand(port, 'ACL', 'SETUSER', 'default', 'resetpass', `>${sentinelPassword}`)
  }
  dir = await mkdtemp(join(tmpdir(), 'flowchat-ha-mistakes-'))
}, 120_000)
afterAll(async () => {
  for (const child of running) child.kill('SIGKILL')
  await stopAllRedisServers()
  await rm(dir, { recursive: true, force: true })
})

const sentinelList = () => group.sentinels.map((s) => `${s.host}:${s.port}`).join(',')
const passwordFile = async () => {
  const file = join(dir, `sentinel-password-${randomBytes(4).toString('hex')}`)
  await writeFile(file, `${sentinelPassword}\n`)
  return file
}

/** The CLI on Redis storage with these variables; resolves when it listens or exits (killed after 20 s). */
function spawnRelay(variables: Record<string, string>) {
  const s = testSecrets()
  const child = spawn(process.execPath, [bin, '--port', '0', '--storage', 'redis'], {
    env: {
      PATH: process.env.PATH,
      FLOWCHAT_API_KEY: s.apiKey,
      FLOWCHAT_WEBHOOK_SECRET: s.webhookSecret,
      FLOWCHAT_TOKEN_SECRET: s.tokenSecret,
      ...variables,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  const out = { stdout: '', stderr: '' }
  const startedAt = Date.now()
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
  const outcome = new Promise<{ exit?: number | null; listening?: true; ms: number }>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out.stdout += chunk.toString()
      if (out.stdout.includes('flowchat-relay listening'))
        resolve({ listening: true, ms: Date.now() - startedAt })
    })
    child.stderr.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()))
    child.on('exit', (code) => {
      clearTimeout(timer)
      running.delete(child)
      resolve({ exit: code, ms: Date.now() - startedAt })
    })
  })
  const stop = () => {
    const gone = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    return gone
  }
  return { out, outcome, stop }
}

/** Starts the CLI expecting it to stop at once, with exit code 1, and returns its stderr. */
async function refused(variables: Record<string, string>): Promise<string> {
  const { out, outcome } = spawnRelay(variables)
  const result = await outcome
  expect(result.exit, out.stderr + out.stdout).toBe(1)
  // At once: not after the 30 s a Redis that does not answer yet is given.
  expect(result.ms).toBeLessThan(15_000)
  expect(out.stderr + out.stdout).not.toContain(sentinelPassword)
  return out.stderr
}

describe('the relay CLI pointed at Redis Sentinel or Cluster the wrong way', { timeout: 40_000 }, () => {
  it('starts on sentinels that ask for a password given as FLOWCHAT_REDIS_SENTINEL_PASSWORD_FILE', async () => {
    const { out, outcome, stop } = spawnRelay({
      FLOWCHAT_REDIS_SENTINELS: sentinelList(),
      FLOWCHAT_REDIS_MASTER_NAME: group.masterName,
      FLOWCHAT_REDIS_SENTINEL_PASSWORD_FILE: await passwordFile(),
      FLOWCHAT_REDIS_KEY_PREFIX: randomPrefix('ha-mistakes'),
    })
    expect(await outcome, out.stderr).toMatchObject({ listening: true })
    await stop()
    expect(out.stderr + out.stdout).not.toContain(sentinelPassword)
  })

  it('stops naming the sentinel password when the sentinels refuse the relay', async () => {
    const stderr = await refused({
      FLOWCHAT_REDIS_SENTINELS: sentinelList(),
      FLOWCHAT_REDIS_MASTER_NAME: group.masterName,
    })
    expect(stderr).toMatch(
      /could not start: Redis \(--redis-sentinels\): the sentinels refused the relay's credentials \(NOAUTH.*check --redis-sentinel-username and --redis-sentinel-password/,
    )
  })

  it('stops naming the master name the sentinels do not know', async () => {
    const stderr = await refused({
      FLOWCHAT_REDIS_SENTINELS: sentinelList(),
      FLOWCHAT_REDIS_MASTER_NAME: 'no-such-master',
      FLOWCHAT_REDIS_SENTINEL_PASSWORD_FILE: await passwordFile(),
    })
    expect(stderr).toMatch(
      /could not start: Redis \(--redis-sentinels\): the sentinels know no master named "no-such-master": give --redis-master-name/,
    )
  })

  it('stops when --redis-cluster names a Redis that is not a cluster node', async () => {
    const stderr = await refused({ FLOWCHAT_REDIS_CLUSTER: `127.0.0.1:${masterPort}` })
    expect(stderr).toMatch(
      /could not start: Redis \(--redis-cluster\): not a Redis Cluster node \(ERR This instance has cluster support disabled\)/,
    )
  })

  it('stops when --redis-url names a node of a Redis Cluster, whichever node', async () => {
    // One of the three holds the slot of a one-shard log and would work until a failover moved it; the others
    // answered MOVED to every webhook while /readyz said ready.
    for (const node of cluster.nodes) {
      const stderr = await refused({ FLOWCHAT_REDIS_URL: `redis://${node.host}:${node.port}` })
      expect(stderr).toMatch(
        /could not start: Redis \(--redis-url\): a Redis Cluster node, which answers MOVED for keys of other nodes: give its nodes with --redis-cluster/,
      )
    }
  })

  it('stops an instance whose --redis-shards differs from the log it shares, while the other runs', async () => {
    // Two instances with different shard counts on one prefix each answered webhooks 2xx, and each one's clients
    // saw only the events that instance took in.
    const prefix = randomPrefix('ha-shards')
    const nodes = cluster.nodes.map((n) => `${n.host}:${n.port}`).join(',')
    const first = spawnRelay({ FLOWCHAT_REDIS_CLUSTER: nodes, FLOWCHAT_REDIS_KEY_PREFIX: prefix })
    expect(await first.outcome, first.out.stderr).toMatchObject({ listening: true })
    const stderr = await refused({
      FLOWCHAT_REDIS_CLUSTER: nodes,
      FLOWCHAT_REDIS_KEY_PREFIX: prefix,
      FLOWCHAT_REDIS_SHARDS: '3',
    })
    await first.stop()
    expect(stderr).toContain(
      `could not start: Redis (--redis-cluster): --redis-shards: 3, but the log under the prefix "${prefix}" is kept in 1 shard(s)`,
    )
    expect(stderr).toContain('stop every instance and delete that key, or use a new key prefix')
  })

  it('warns at start when --redis-min-replicas asks for more replicas than the master has', async () => {
    const { out, outcome, stop } = spawnRelay({
      FLOWCHAT_REDIS_SENTINELS: sentinelList(),
      FLOWCHAT_REDIS_MASTER_NAME: group.masterName,
      FLOWCHAT_REDIS_SENTINEL_PASSWORD_FILE: await passwordFile(),
      FLOWCHAT_REDIS_MIN_REPLICAS: '2',
      FLOWCHAT_REDIS_KEY_PREFIX: randomPrefix('ha-replicas'),
    })
    expect(await outcome, out.stderr).toMatchObject({ listening: true })
    await stop()
    expect(out.stderr).toContain(
      'minReplicas is 2 but the master has 1 replica(s) connected: every append fails (the webhook gets 503) until enough replicas connect',
    )
  })
})
