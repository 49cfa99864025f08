// Issue 16 and the brief's "survive a Redis node's loss": two relay instances on Redis deployments started here,
// a Sentinel-managed pair (a master, a replica, three sentinels) and a Cluster of three masters with a replica each
// (the operators' stream over three shards). Webhooks and SSE clients keep going while a master is killed by its
// PID: every webhook answered 2xx reaches every subscribed client exactly once, in order, and with minReplicas 1 no
// client is told to reset.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  requireRedisBinaries,
  startRedisCluster,
  startSentinelGroup,
  stopAllRedisServers,
} from '../apps/relay/src/storage/redis-servers-test-support.js'
import { randomPrefix } from '../apps/relay/src/storage/redis-test-support.js'
import type { InstanceConfig } from './relay-cluster-instance.js'
import {
  openStream,
  postWebhook,
  startInstance,
  stopAllInstances,
  until,
  webhookBody,
  type Instance,
  type StreamRecorder,
} from './relay-cluster-support.js'

const secret = () => randomBytes(24).toString('base64url')
const eventsPath = (threadId: string) => `/v1/threads/${encodeURIComponent(threadId)}/events`
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

afterAll(async () => {
  await stopAllInstances()
  await stopAllRedisServers()
})

describeFailover(
  'Redis Sentinel while the master is killed',
  { threads: 3, perThread: 40, before: 10 },
  async () => {
    await requireRedisBinaries()
    const group = await startSentinelGroup()
    return {
      target: { sentinels: group.sentinels, masterName: group.masterName },
      async lose() {
        const oldMaster = await group.masterPort()
        const killedAt = Date.now()
        await group.servers.get(oldMaster)!.kill()
        await until(
          async () => (await group.masterPort()) !== oldMaster,
          'the sentinels to promote the replica',
          60_000,
        )
        const failedOverAt = Date.now()
        // The old node comes back empty, as a replica of the new master: appends can be confirmed again.
        await group.restartAsReplica(oldMaster)
        return `sentinel failover: replica promoted ${failedOverAt - killedAt} ms after the kill`
      },
    }
  },
)

// Six threads, so the killed master holds some of them whichever it is.
describeFailover(
  'a Redis Cluster while a master is killed',
  { threads: 6, perThread: 30, before: 8 },
  async () => {
    await requireRedisBinaries()
    const cluster = await startRedisCluster({ replicas: 1, nodeTimeoutMs: 1_000 })
    return {
      target: { clusterNodes: cluster.nodes, shards: 3 },
      async lose() {
        const [victim] = await cluster.masterPorts()
        const killedAt = Date.now()
        await cluster.servers.get(victim!)!.kill()
        await until(
          async () => {
            const masters = await cluster.masterPorts()
            return masters.length === 3 && !masters.includes(victim!)
          },
          'a replica to take over the killed master’s slots',
          60_000,
        )
        const failedOverAt = Date.now()
        // The node comes back empty and rejoins as the new master's replica: appends can be confirmed again.
        await cluster.restart(victim!)
        return (
          `cluster failover: replica took over ${failedOverAt - killedAt} ms after the kill, the node was back ` +
          `as its replica after ${Date.now() - killedAt} ms`
        )
      },
    }
  },
)

/** A deployment of the scenario: where the instances store, and how a node of it is lost. */
interface Deployment {
  target: Pick<InstanceConfig, 'sentinels' | 'masterName' | 'clusterNodes' | 'shards'>
  /** Loses a node, waits until Redis serves again, and says what happened when, for the figures. */
  lose(): Promise<string>
}

/** Two instances with `minReplicas 1` on the deployment `start` brings up, through the loss of one of its nodes. */
function describeFailover(
  name: string,
  load: Pick<FailoverScenario, 'threads' | 'perThread' | 'before'>,
  start: () => Promise<Deployment>,
): void {
  describe(`relay instances on ${name}`, { timeout: 180_000 }, () => {
    let deployment: Deployment
    let config: InstanceConfig
    let a: Instance
    let b: Instance

    beforeAll(async () => {
      deployment = await start()
      config = {
        ...deployment.target,
        minReplicas: 1,
        keyPrefix: randomPrefix('failover'),
        webhookSecret: secret(),
        tokenSecret: secret(),
        retryMs: 100,
      }
      ;[a, b] = await Promise.all([startInstance(config), startInstance(config)])
    }, 120_000)

    it('delivers every acknowledged webhook exactly once, in order, to every client, without a reset', async () => {
      await runFailoverScenario({ a, b, config, ...load, lose: () => deployment.lose() })
    })
  })
}

interface FailoverScenario {
  readonly a: Instance
  readonly b: Instance
  readonly config: InstanceConfig
  threads: number
  perThread: number
  /** Acknowledged webhooks per thread before `lose` is called. */
  before: number
  lose: Deployment['lose']
}

/**
 * Runs the scenario and logs its figures (not assertions): what `lose` said, how long clients saw no event, and
 * how many webhook answers were 503 and retried.
 *
 * @example
 * await runFailoverScenario({ a, b, config, threads: 3, perThread: 40, before: 10, lose })
 */
async function runFailoverScenario(scenario: FailoverScenario): Promise<void> {
  const streams: StreamRecorder[] = []
  try {
    await run(scenario, streams)
  } finally {
    for (const stream of streams) stream.close()
  }
}

async function run(scenario: FailoverScenario, streams: StreamRecorder[]): Promise<void> {
  const { a, b, config, perThread } = scenario
  const threads = Array.from(
    { length: scenario.threads },
    (_, i) => `ha${i}|${randomBytes(4).toString('hex')}`,
  )
  const clients = new Map<string, StreamRecorder[]>()
  const arrivals: number[] = []
  const record = (stream: StreamRecorder) => {
    stream.onEvent = () => arrivals.push(Date.now())
    streams.push(stream)
    return stream
  }
  for (const threadId of threads) {
    clients.set(threadId, [
      record(openStream(a.url, eventsPath(threadId), await a.token({ threadId }))),
      record(openStream(b.url, eventsPath(threadId), await b.token({ threadId }))),
    ])
  }
  const operators = record(openStream(b.url, '/v1/events', await b.token({ operator: 'ops' })))
  const all = [...[...clients.values()].flat(), operators]
  await until(() => all.every((s) => s.opens === 1), 'every stream open')

  // Flow.ai's behaviour: a delivery answered anything but 2xx is retried (here soon, not after Retry-After).
  const acked = new Map<string, string[]>(threads.map((t) => [t, []]))
  let retries = 0
  const send = async (threadId: string, index: number) => {
    for (let i = 0; i < perThread; i++) {
      const text = `${index}-${i}`
      for (let attempt = 0; ; attempt++) {
        const instance = (i + attempt) % 2 ? a : b
        const answer = await postWebhook(
          instance.url,
          config.webhookSecret,
          webhookBody(threadId, text),
        ).catch(() => ({ status: 0 }))
        if (answer.status >= 200 && answer.status < 300) break
        expect([0, 503]).toContain(answer.status)
        retries++
        await sleep(50)
      }
      acked.get(threadId)!.push(text)
      // Pace the load so the loss lands in the middle of it.
      await sleep(20)
    }
  }
  const senders = threads.map((threadId, index) => send(threadId, index))

  await until(
    () => threads.every((t) => acked.get(t)!.length >= scenario.before),
    `${scenario.before} acknowledged webhooks per thread`,
  )
  const story = await scenario.lose()
  await Promise.all(senders)

  const total = threads.length * perThread
  await until(
    () =>
      threads.every((t) => clients.get(t)!.every((s) => s.events.length >= perThread)) &&
      operators.events.length >= total,
    'every acknowledged event on every client',
    60_000,
  )
  for (const threadId of threads) {
    for (const stream of clients.get(threadId)!) {
      expect(stream.events.map((e) => e.text)).toEqual(acked.get(threadId))
      expect(stream.resets).toEqual([])
    }
  }
  expect(operators.events).toHaveLength(total)
  threads.forEach((threadId, index) => {
    const own = operators.events.map((e) => e.text).filter((text) => text.startsWith(`${index}-`))
    expect(own).toEqual(acked.get(threadId))
  })
  expect(operators.resets).toEqual([])

  let longestGap = 0
  const sorted = arrivals.toSorted((x, y) => x - y)
  for (let i = 1; i < sorted.length; i++) longestGap = Math.max(longestGap, sorted[i]! - sorted[i - 1]!)
  console.info(
    `${story}; longest time clients saw no event ${longestGap} ms; ${retries} webhook answers were 503 (or ` +
      `failed) and retried`,
  )
}
