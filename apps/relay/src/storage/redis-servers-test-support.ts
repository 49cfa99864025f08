/**
 * Test support (not shipped: imported by tests only): private Redis topologies started on spare ports and stopped by
 * PID, a Sentinel-managed master with a replica and three sentinels, and a three-master Redis Cluster (with replicas
 * if asked). Every process started is listed, so `stopAllRedisServers()` in `afterAll` stops what a failed test left
 * behind, and every temp dir is removed.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Redis } from 'ioredis'

const run = promisify(execFile)

/**
 * Fails with the reason when `redis-server` or `redis-cli` is missing: these tests never skip, in CI (where
 * `.ci/run` installs the `redis-server` package) or anywhere else.
 *
 * @example
 * beforeAll(() => requireRedisBinaries())
 */
export async function requireRedisBinaries(): Promise<void> {
  for (const binary of ['redis-server', 'redis-cli']) {
    try {
      await run(binary, ['--version'])
    } catch (error) {
      throw new Error(
        `${binary} is not on PATH (${error instanceof Error ? error.message : String(error)}). The Sentinel and ` +
          `Cluster tests start their own Redis servers: install Debian's redis-server package (apt-get install -y ` +
          `redis-server; .ci/run does)${process.env.CI === 'true' ? ' (CI=true)' : ''}.`,
        { cause: error },
      )
    }
  }
}

/** A port free now, whose cluster bus port (port + 10000) is free too. */
export async function spareClusterPort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 20_000)
    if ((await isFree(port)) && (await isFree(port + 10_000))) return port
  }
  throw new Error('no spare port pair (port, port + 10000) found')
}

/** A port nobody listens on right now. */
export async function sparePort(): Promise<number> {
  return spareClusterPort()
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

/** One redis-server (or sentinel) process of a test. */
export interface RedisProcess {
  readonly port: number
  readonly pid: number
  /** SIGKILL (a crash) and wait for the exit. */
  kill(): Promise<void>
}

const running = new Set<ChildProcess>()
const tempDirs = new Set<string>()

/** A temp dir removed by `stopAllRedisServers`. */
export async function redisTempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'flowchat-redis-'))
  tempDirs.add(dir)
  return dir
}

/**
 * Starts `redis-server` with `args` (a config file first, or flags) and waits until it answers PING on `port`.
 *
 * @example
 * const master = await startRedisProcess(port, ['--port', String(port), '--save', ''], dir)
 */
export async function startRedisProcess(port: number, args: string[], cwd: string): Promise<RedisProcess> {
  const child = spawn('redis-server', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] })
  running.add(child)
  let failure: string | undefined
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  child.once('error', (error) => (failure = `redis-server did not start: ${error.message}`))
  child.once('exit', (code) => {
    running.delete(child)
    failure ??= `redis-server on port ${port} exited (code ${code}) ${stderr.trim()}`
  })
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.kill('SIGKILL')
    await gone
  }
  for (let attempt = 0; attempt < 200 && failure === undefined; attempt++) {
    if (await ping(port)) return { port, pid: child.pid ?? -1, kill }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  await kill()
  throw new Error(failure ?? `redis-server on port ${port} did not answer`)
}

async function ping(port: number): Promise<boolean> {
  const redis = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  })
  redis.on('error', () => undefined)
  try {
    await redis.connect()
    return (await redis.ping()) === 'PONG'
  } catch {
    return false
  } finally {
    redis.disconnect()
  }
}

/** Runs one command on `port` and returns the reply. */
export async function redisCommand(
  port: number,
  command: string,
  ...args: (string | number)[]
): Promise<unknown> {
  const redis = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null })
  redis.on('error', () => undefined)
  try {
    return await redis.call(command, ...args)
  } finally {
    redis.disconnect()
  }
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check().catch(() => false)) return
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/**
 * Flags of a throw-away redis-server on loopback: no persistence.
 *
 * @example
 * await startRedisProcess(port, redisServerFlags(port), dir)
 */
export const redisServerFlags = (port: number): string[] => [
  '--port',
  String(port),
  '--bind',
  '127.0.0.1',
  '--save',
  '',
  '--appendonly',
  'no',
]

/** A master, a replica and three sentinels watching them. */
export interface SentinelGroup {
  readonly masterName: string
  readonly sentinels: { host: string; port: number }[]
  /** The port of the current master, as the sentinels say. */
  masterPort(): Promise<number>
  /** Every redis-server (not sentinel) by port, to kill one. */
  readonly servers: Map<number, RedisProcess>
  /**
   * Starts an empty redis-server on `port` as a replica of the current master (a crashed node coming back) and
   * waits until its link is up.
   */
  restartAsReplica(port: number): Promise<void>
}

/**
 * Starts a master, a replica and three sentinels (quorum 2) with short timeouts: a dead master is noticed after
 * `downAfterMs` and failed over within a few seconds.
 *
 * @example
 * const group = await startSentinelGroup()
 * afterAll(() => stopAllRedisServers())
 */
export async function startSentinelGroup(downAfterMs = 1_000): Promise<SentinelGroup> {
  const dir = await redisTempDir()
  const masterName = 'flowchat-test'
  const servers = new Map<number, RedisProcess>()
  const masterPort = await sparePort()
  servers.set(masterPort, await startRedisProcess(masterPort, redisServerFlags(masterPort), dir))
  const replicaPort = await sparePort()
  const startReplica = async (port: number, of: number) => {
    servers.set(
      port,
      await startRedisProcess(port, [...redisServerFlags(port), '--replicaof', '127.0.0.1', String(of)], dir),
    )
    await waitFor(
      async () => /master_link_status:up/.test(String(await redisCommand(port, 'INFO', 'replication'))),
      `the replica on ${port} to sync`,
    )
  }
  await startReplica(replicaPort, masterPort)
  const sentinels: { host: string; port: number }[] = []
  for (let i = 0; i < 3; i++) {
    const port = await sparePort()
    const conf = join(dir, `sentinel-${port}.conf`)
    await writeFile(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${masterName} 127.0.0.1 ${masterPort} 2`,
        `sentinel down-after-milliseconds ${masterName} ${downAfterMs}`,
        `sentinel failover-timeout ${masterName} ${downAfterMs * 5}`,
        `sentinel parallel-syncs ${masterName} 1`,
        '',
      ].join('\n'),
    )
    await startRedisProcess(port, [conf, '--sentinel'], dir)
    sentinels.push({ host: '127.0.0.1', port })
  }
  // Ready for a failover once every sentinel knows the replica and the two other sentinels.
  for (const { port } of sentinels) {
    await waitFor(async () => {
      const replicas = (await redisCommand(port, 'SENTINEL', 'REPLICAS', masterName)) as unknown[]
      const others = (await redisCommand(port, 'SENTINEL', 'SENTINELS', masterName)) as unknown[]
      return replicas.length === 1 && others.length === 2
    }, `sentinel ${port} to see the replica and the other sentinels`)
  }
  const currentMaster = async () => {
    const reply = (await redisCommand(
      sentinels[0]!.port,
      'SENTINEL',
      'GET-MASTER-ADDR-BY-NAME',
      masterName,
    )) as string[]
    return Number(reply[1])
  }
  return {
    masterName,
    sentinels,
    servers,
    masterPort: currentMaster,
    async restartAsReplica(port) {
      await startReplica(port, await currentMaster())
    },
  }
}

/** A Redis Cluster of three masters, each with `replicas` replicas. */
export interface RedisClusterGroup {
  readonly nodes: { host: string; port: number }[]
  /** Every node by port, to kill one. */
  readonly servers: Map<number, RedisProcess>
  /** The port of each master now (`CLUSTER NODES`, asked of a live node), in no particular order. */
  masterPorts(): Promise<number[]>
  /**
   * Starts a killed node again with its cluster config, empty (a crashed node coming back): it rejoins as a
   * replica of the node that took its slots. Resolves once its replication link is up.
   */
  restart(port: number): Promise<void>
}

/**
 * Starts three `redis-server --cluster-enabled yes` masters, and `replicas` replicas of each, and joins them with
 * `redis-cli --cluster create`. A master that stops answering is failed over after about `nodeTimeoutMs`.
 *
 * @example
 * const cluster = await startRedisCluster()
 * const storage = createRedisStorage({ clusterNodes: cluster.nodes, keyPrefix })
 */
export async function startRedisCluster({
  replicas = 0,
  nodeTimeoutMs = 2_000,
}: { replicas?: number; nodeTimeoutMs?: number } = {}): Promise<RedisClusterGroup> {
  const dir = await redisTempDir()
  const nodes: { host: string; port: number }[] = []
  const servers = new Map<number, RedisProcess>()
  const start = async (port: number) => {
    const flags = [
      ...redisServerFlags(port),
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      join(dir, `nodes-${port}.conf`),
      '--cluster-node-timeout',
      String(nodeTimeoutMs),
    ]
    servers.set(port, await startRedisProcess(port, flags, dir))
  }
  for (let i = 0; i < 3 * (1 + replicas); i++) {
    const port = await spareClusterPort()
    await start(port)
    nodes.push({ host: '127.0.0.1', port })
  }
  await run('redis-cli', [
    '--cluster',
    'create',
    ...nodes.map((n) => `${n.host}:${n.port}`),
    '--cluster-replicas',
    String(replicas),
    '--cluster-yes',
  ])
  const live = async () => {
    for (const [port, server] of servers) if (await ping(server.port)) return port
    throw new Error('no cluster node answers')
  }
  // A line of `CLUSTER NODES`: id, ip:port@bus, flags, master id, ping, pong, epoch, link state, then slots.
  const masterPorts = async () =>
    String(await redisCommand(await live(), 'CLUSTER', 'NODES'))
      .split('\n')
      .map((line) => line.split(' '))
      .filter(([, , flags = '', ...rest]) => {
        const set = flags.split(',')
        return set.includes('master') && !set.some((f) => f.startsWith('fail')) && rest.length > 5
      })
      .map(([, address = '']) => Number(/:(\d+)@/.exec(address)?.[1]))
  for (const { port } of nodes) {
    await waitFor(async () => {
      const info = String(await redisCommand(port, 'CLUSTER', 'INFO'))
      return /cluster_state:ok/.test(info) && new RegExp(`cluster_known_nodes:${nodes.length}\\b`).test(info)
    }, `cluster node ${port} to be ok`)
  }
  if (replicas > 0) {
    // Ready for a failover once every replica is in sync with its master.
    for (const { port } of nodes) {
      await waitFor(async () => {
        const info = String(await redisCommand(port, 'INFO', 'replication'))
        return /role:master/.test(info) || /master_link_status:up/.test(info)
      }, `cluster replica ${port} to sync`)
    }
  }
  return {
    nodes,
    servers,
    masterPorts,
    async restart(port) {
      await start(port)
      await waitFor(
        async () => /master_link_status:up/.test(String(await redisCommand(port, 'INFO', 'replication'))),
        `the restarted node ${port} to replicate`,
      )
    },
  }
}

/**
 * Stops (SIGKILL, by PID) every redis-server and sentinel a test started, and removes their temp dirs.
 *
 * @example
 * afterAll(() => stopAllRedisServers())
 */
export async function stopAllRedisServers(): Promise<void> {
  await Promise.all(
    [...running].map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.kill('SIGKILL')
      await gone
    }),
  )
  await Promise.all([...tempDirs].map((dir) => rm(dir, { recursive: true, force: true })))
  tempDirs.clear()
}
