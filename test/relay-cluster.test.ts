// Several relay processes on one Redis (issue 8): what one instance stores, every instance streams.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  deleteKeys,
  randomPrefix,
  requireRedis,
  startPrivateRedis,
  testRedisUrl,
  type PrivateRedis,
} from '../apps/relay/src/storage/redis-test-support.js'
import {
  requireRedisBinaries,
  startRedisCluster,
  stopAllRedisServers,
} from '../apps/relay/src/storage/redis-servers-test-support.js'
import type { InstanceConfig } from './relay-cluster-instance.js'
import {
  openStream,
  postWebhook,
  startInstance,
  startLoadBalancer,
  stopAllInstances,
  until,
  webhookBody,
  type Instance,
  type LoadBalancer,
  type StreamRecorder,
} from './relay-cluster-support.js'

const secret = () => randomBytes(24).toString('base64url')
const thread = (name: string) => `${name}|${randomBytes(4).toString('hex')}`
const eventsPath = (threadId: string) => `/v1/threads/${encodeURIComponent(threadId)}/events`
const texts = (stream: StreamRecorder) => stream.events.map((e) => e.text)
const range = (from: number, to: number, label: string) =>
  Array.from({ length: to - from }, (_, i) => `${label}${from + i}`)

type RedisTarget = Pick<InstanceConfig, 'redisUrl' | 'clusterNodes' | 'shards'>

function clusterConfig(target: RedisTarget): InstanceConfig {
  return {
    ...target,
    keyPrefix: randomPrefix('cluster'),
    webhookSecret: secret(),
    tokenSecret: secret(),
    retryMs: 100,
  }
}

const streams: StreamRecorder[] = []
const open = (...args: Parameters<typeof openStream>) => {
  const stream = openStream(...args)
  streams.push(stream)
  return stream
}

afterAll(async () => {
  for (const stream of streams) stream.close()
  await stopAllInstances()
  await stopAllRedisServers()
})

// Real processes on a 2-core machine that other suites share: generous limits, never timed assertions.
describeInstances('the shared Redis', async () => {
  await requireRedis(testRedisUrl)
  return {
    target: { redisUrl: testRedisUrl },
    cleanup: (config) => deleteKeys(testRedisUrl, [config.keyPrefix]),
  }
})

describeInstances('a three-master Redis Cluster', async () => {
  await requireRedisBinaries()
  const cluster = await startRedisCluster()
  return { target: { clusterNodes: cluster.nodes }, cleanup: () => stopAllRedisServers() }
})

describeInstances('a three-master Redis Cluster, operators’ stream over 3 shards', async () => {
  await requireRedisBinaries()
  const cluster = await startRedisCluster()
  return { target: { clusterNodes: cluster.nodes, shards: 3 }, cleanup: () => stopAllRedisServers() }
})

/** The multi-instance tests on one Redis deployment, set up (and torn down) by `setup`. */
function describeInstances(
  name: string,
  setup: () => Promise<{ target: RedisTarget; cleanup: (config: InstanceConfig) => Promise<void> }>,
): void {
  describe(`relay instances on ${name}`, { timeout: 60_000 }, () => {
    let config: InstanceConfig
    let a: Instance
    let b: Instance
    let c: Instance
    const post = (instance: Instance, threadId: string, text: string) =>
      postWebhook(instance.url, config.webhookSecret, webhookBody(threadId, text))
    const postAll = async (instance: Instance, threadId: string, labels: string[]) => {
      for (const label of labels) expect((await post(instance, threadId, label)).status).toBe(200)
    }

    let cleanup: ((config: InstanceConfig) => Promise<void>) | undefined
    beforeAll(async () => {
      const deployment = await setup()
      cleanup = deployment.cleanup
      config = clusterConfig(deployment.target)
      ;[a, b, c] = await Promise.all([startInstance(config), startInstance(config), startInstance(config)])
    }, 60_000)
    afterAll(async () => {
      await stopAllInstances()
      if (config) await cleanup?.(config)
    })

    it('streams webhooks received by one instance to subscribers on the others, in order per thread', async () => {
      const [t1, t2] = [thread('t1'), thread('t2')]
      const onB = open(b.url, eventsPath(t1), await b.token({ threadId: t1 }))
      const onC = open(c.url, eventsPath(t2), await c.token({ threadId: t2 }))
      const operators = open(b.url, '/v1/events', await b.token({ operator: 'ops' }))
      // The relay subscribes in the same tick it sends the headers: from 'open' on, nothing is missed.
      await until(() => onB.opens === 1 && onC.opens === 1 && operators.opens === 1, 'three open streams')
      const expected = { [t1]: [] as string[], [t2]: [] as string[] }
      for (let i = 0; i < 30; i++) {
        const threadId = i % 3 === 0 ? t2 : t1
        expected[threadId]!.push(`m${i}`)
        // Alternate the instance that receives the webhook, as a load balancer would.
        await postAll(i % 2 ? a : c, threadId, [`m${i}`])
      }
      await until(() => onB.events.length === 20 && onC.events.length === 10, 'every event on B and C')
      expect(texts(onB)).toEqual(expected[t1])
      expect(texts(onC)).toEqual(expected[t2])
      await until(() => operators.events.length === 30, 'every event on the operators stream')
      expect(texts(operators)).toEqual(range(0, 30, 'm'))
    })

    it('stores a webhook retried to another instance once', async () => {
      const t = thread('dedupe')
      const onB = open(b.url, eventsPath(t), await b.token({ threadId: t }))
      await until(() => onB.opens === 1, 'the stream on B')
      const body = webhookBody(t, 'once')
      expect(await postWebhook(a.url, config.webhookSecret, body)).toEqual({ status: 200, duplicate: false })
      expect(await postWebhook(b.url, config.webhookSecret, body)).toEqual({ status: 200, duplicate: true })
      expect(await postWebhook(c.url, config.webhookSecret, body)).toEqual({ status: 200, duplicate: true })
      await postAll(c, t, ['after'])
      await until(() => onB.events.length === 2, 'the events after the retries')
      expect(texts(onB)).toEqual(['once', 'after'])
    })

    it('gives a client that left A and comes back on B with its Last-Event-ID exactly what it missed', async () => {
      const t = thread('resume')
      const token = await a.token({ threadId: t })
      const onA = open(a.url, eventsPath(t), token)
      await until(() => onA.opens === 1, 'the stream on A')
      await postAll(a, t, range(0, 5, 'r'))
      await until(() => onA.events.length === 5, 'the first five events')
      onA.close()
      const lastSeen = onA.events.at(-1)!.id
      await postAll(c, t, range(5, 10, 'r'))
      const onB = open(b.url, eventsPath(t), token, lastSeen)
      await until(() => onB.events.length === 5, 'the missed events on B')
      await postAll(a, t, range(10, 12, 'r'))
      await until(() => onB.events.length === 7, 'the live events on B')
      expect(texts(onB)).toEqual(range(5, 12, 'r'))
      expect(onB.resets).toEqual([])
      const ids = [...onA.events, ...onB.events].map((e) => e.id)
      expect(new Set(ids).size).toBe(12)
    })

    it('gives an operator who left A and comes back on B exactly what was missed, over many threads', async () => {
      const threads = Array.from({ length: 12 }, (_, i) => thread(`ops${i}`))
      const token = await a.token({ operator: 'ops' })
      const onA = open(a.url, '/v1/events', token)
      await until(() => onA.opens === 1, 'the operators stream on A')
      const postMany = async (from: number, to: number) => {
        for (let i = from; i < to; i++) await postAll(i % 2 ? a : c, threads[i % threads.length]!, [`o${i}`])
      }
      await postMany(0, 24)
      await until(() => onA.events.filter((e) => /^o\d+$/.test(e.text)).length === 24, 'the first 24 on A')
      onA.close()
      const mine = onA.events.filter((e) => /^o\d+$/.test(e.text))
      // Back from an id in the middle, while webhooks go on to the other instances.
      const onB = open(b.url, '/v1/events', token, mine[9]!.id)
      const more = postMany(24, 48)
      await until(() => onB.opens === 1, 'the operators stream on B')
      await more
      await until(
        () => onB.events.filter((e) => /^o\d+$/.test(e.text)).length === 38,
        'the missed and the new events on B',
      )
      expect(onB.resets).toEqual([])
      expect(onB.events.filter((e) => /^o\d+$/.test(e.text)).map((e) => e.text)).toEqual(range(10, 48, 'o'))
      const ids = onB.events.map((e) => e.id)
      expect(new Set(ids).size).toBe(ids.length)
    })

    it('keeps a stream going through a load balancer when the instance serving it is killed', async () => {
      // The last test of this cluster: it kills A.
      const lb: LoadBalancer = await startLoadBalancer([a.port, b.port])
      try {
        const t = thread('failover')
        const stream = open(lb.url, eventsPath(t), await c.token({ threadId: t }))
        await until(() => stream.opens === 1, 'the stream through the load balancer')
        await postAll(c, t, range(0, 10, 'f'))
        await until(() => stream.events.length === 10, 'the events before the crash')
        await a.stop('SIGKILL')
        // Posted while the client reconnects: it must get them from the next instance, after its Last-Event-ID.
        await postAll(c, t, range(10, 20, 'f'))
        await until(() => stream.opens === 2, 'the reconnection to the other instance')
        await postAll(b, t, range(20, 25, 'f'))
        await until(() => stream.events.length === 25, 'every event after the crash')
        expect(texts(stream)).toEqual(range(0, 25, 'f'))
        expect(stream.resets).toEqual([])
      } finally {
        await lb.close()
      }
    })
  })
}

describe('relay cluster while Redis restarts', { timeout: 60_000 }, () => {
  let redis: PrivateRedis
  let config: InstanceConfig
  let a: Instance
  let b: Instance
  const post = (instance: Instance, body: string) => postWebhook(instance.url, config.webhookSecret, body)
  const readyz = async (instance: Instance) => (await fetch(new URL('/readyz', instance.url))).status

  beforeAll(async () => {
    redis = await startPrivateRedis()
    config = clusterConfig({ redisUrl: redis.url })
    ;[a, b] = await Promise.all([startInstance(config), startInstance(config)])
  }, 60_000)
  afterAll(async () => {
    await stopAllInstances()
    await redis?.stop()
  })

  it('answers 503 while Redis is down, keeps streams open, and resumes them when Redis is back', async () => {
    const t = thread('outage')
    const stream = open(b.url, eventsPath(t), await b.token({ threadId: t }))
    await until(() => stream.opens === 1, 'the stream on B')
    for (const text of ['before0', 'before1', 'before2']) {
      expect((await post(a, webhookBody(t, text))).status).toBe(200)
    }
    await until(() => stream.events.length === 3, 'the events before the outage')
    const beforeId = stream.events[0]!.id

    await redis.stop()
    const during = webhookBody(t, 'during')
    expect((await post(a, during)).status).toBe(503)
    expect(await readyz(a)).toBe(503)
    expect(await readyz(b)).toBe(503)

    await redis.start()
    await until(async () => (await readyz(a)) === 200 && (await readyz(b)) === 200, 'both instances ready')
    // Flow.ai retries the delivery that got 503: now it is stored, once.
    expect(await post(a, during)).toEqual({ status: 200, duplicate: false })
    expect((await post(b, webhookBody(t, 'after'))).status).toBe(200)
    await until(() => stream.events.length === 5, 'the events after the outage')
    expect(texts(stream)).toEqual(['before0', 'before1', 'before2', 'during', 'after'])
    // The same connection all along: the stream stayed open through the outage.
    expect(stream.opens).toBe(1)

    // This Redis keeps nothing across a restart: a client resuming from before it is told to reset.
    const late = open(a.url, eventsPath(t), await a.token({ threadId: t }), beforeId)
    await until(() => late.resets.length === 1, 'a reset for an id Redis no longer holds')
  })
})
