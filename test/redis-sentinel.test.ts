// Issue 16: two relay instances on a Sentinel-managed pair (a master, a replica, three sentinels, all started
// here). Webhooks and SSE clients keep going while the master is killed by its PID: every webhook answered 2xx
// reaches every subscribed client exactly once, in order, and with minReplicas 1 no client is told to reset.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  requireRedisBinaries,
  startSentinelGroup,
  stopAllRedisServers,
  type SentinelGroup,
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

const streams: StreamRecorder[] = []
afterAll(async () => {
  for (const stream of streams) stream.close()
  await stopAllInstances()
  await stopAllRedisServers()
})

describe('relay instances on Redis Sentinel while the master is killed', { timeout: 180_000 }, () => {
  let group: SentinelGroup
  let config: InstanceConfig
  let a: Instance
  let b: Instance

  beforeAll(async () => {
    await requireRedisBinaries()
    group = await startSentinelGroup()
    config = {
      sentinels: group.sentinels,
      masterName: group.masterName,
      minReplicas: 1,
      keyPrefix: randomPrefix('sentinel'),
      webhookSecret: secret(),
      tokenSecret: secret(),
      retryMs: 100,
    }
    ;[a, b] = await Promise.all([startInstance(config), startInstance(config)])
  }, 120_000)

  it('delivers every acknowledged webhook exactly once, in order, to every client, without a reset', async () => {
    const threads = Array.from({ length: 3 }, (_, i) => `ha${i}|${randomBytes(4).toString('hex')}`)
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

    // Flow.ai's behaviour: a delivery answered anything but 2xx is retried (here at once, not after Retry-After).
    const acked = new Map<string, string[]>(threads.map((t) => [t, []]))
    let retries = 0
    const perThread = 40
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
        // Pace the load so the kill lands in the middle of it.
        await sleep(20)
      }
    }
    const senders = threads.map((threadId, index) => send(threadId, index))

    await until(
      () => threads.every((t) => acked.get(t)!.length >= 10),
      'ten acknowledged webhooks per thread',
    )
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

    // Figures for the README (not assertions): how long clients saw nothing around the failover.
    let longestGap = 0
    const sorted = arrivals.toSorted((x, y) => x - y)
    for (let i = 1; i < sorted.length; i++) longestGap = Math.max(longestGap, sorted[i]! - sorted[i - 1]!)
    console.info(
      `sentinel failover: replica promoted ${failedOverAt - killedAt} ms after the kill; longest time clients ` +
        `saw no event ${longestGap} ms; ${retries} webhook answers were 503 (or failed) and retried`,
    )
  })
})
