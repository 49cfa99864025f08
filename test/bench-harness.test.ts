// The benchmark harness is not run by `pnpm test` (benchmarks are not tests), so its arithmetic and report
// writer are checked here on fixed inputs: a broken percentile would otherwise publish wrong figures silently.
import { request } from 'node:http'
import { describe, expect, it } from 'vitest'
import { startChild } from './bench/lib/child-process.js'
import {
  evaluateTargets,
  renderMarkdown,
  type Report,
  type Section,
  type Target,
} from './bench/lib/report.js'
import { createSseParser, type SseEvent } from './bench/lib/sse-parser.js'
import { percentile, slope, summarize } from './bench/lib/stats.js'
import { sentAtOf, webhookBody } from './bench/lib/webhook-body.js'

describe('percentile and summarize', () => {
  it('use the nearest rank, never interpolating', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1)
    expect(percentile(sorted, 50)).toBe(50)
    expect(percentile(sorted, 99)).toBe(99)
    expect(percentile(sorted, 100)).toBe(100)
    expect(percentile([1, 2, 3, 4], 50)).toBe(2)
    expect(percentile([7], 99)).toBe(7)
    expect(percentile([], 50)).toBeNaN()
    expect(() => percentile([1], 0)).toThrow(RangeError)
  })

  it('sorts numerically and leaves the input alone', () => {
    const input = [10, 9, 100, 1, 2]
    expect(summarize(input)).toEqual({ count: 5, min: 1, p50: 9, p99: 100, max: 100, mean: 24.4 })
    expect(input).toEqual([10, 9, 100, 1, 2])
  })
})

describe('slope', () => {
  it('fits the least-squares line, so one noisy sample moves it less than an end-to-end difference', () => {
    expect(slope([0, 1, 2], [10, 12, 14])).toBe(2)
    expect(slope([0, 1, 2, 3], [5, 5, 5, 5])).toBe(0)
    expect(slope([0, 1, 2, 3], [0, 3, 2, 5])).toBeCloseTo(1.4)
    expect(slope([1], [1])).toBeNaN()
    expect(slope([2, 2], [1, 3])).toBeNaN()
  })
})

const sections: Section[] = [
  {
    id: 'a',
    title: '(a) Throughput',
    status: 'ok',
    figures: [
      { key: 'postsPerSecond', label: 'webhook POSTs/s', value: 9_123.4, unit: '/s' },
      { key: 'p99', label: 'p99', value: 6.25, unit: 'ms' },
    ],
    config: { concurrency: 16 },
  },
  { id: 'c', title: '(c) Idle', status: 'failed', reason: 'relay did not start', figures: [] },
]
const targets: Target[] = [
  { id: 'rate', description: 'POSTs/s', figure: 'a.postsPerSecond', op: '>=', limit: 8_000, unit: '/s' },
  { id: 'p99', description: 'p99', figure: 'a.p99', op: '<=', limit: 5, unit: 'ms' },
  { id: 'rss', description: 'RSS', figure: 'c.rssPerConnection', op: '<=', limit: 10, unit: 'KB' },
]

describe('targets and report', () => {
  it('judge each target by its figure; a missing figure is not measured, never met', () => {
    expect(evaluateTargets(sections, targets).map((t) => [t.id, t.status, t.value])).toEqual([
      ['rate', 'met', 9_123.4],
      ['p99', 'missed', 6.25],
      ['rss', 'not measured', null],
    ])
  })

  it('writes machine, targets with their figures, sections and failures as Markdown', () => {
    const report: Report = {
      generatedAt: '2026-01-01T00:00:00.000Z',
      durationSeconds: 61.2,
      machine: { cpu: 'Test CPU', cores: 2 },
      versions: { node: 'v24.0.0' },
      sections,
      targets: evaluateTargets(sections, targets),
    }
    const md = renderMarkdown(report, '## Findings\n\nnone')
    expect(md).toContain('| cpu | Test CPU |')
    expect(md).toContain('| POSTs/s ≥ 8,000 /s | 9,123 /s | met |')
    expect(md).toContain('| p99 ≤ 5 ms | 6.25 ms | **missed** |')
    expect(md).toContain('| RSS ≤ 10 KB | n/a | **not measured** |')
    expect(md).toContain('**failed**: relay did not start')
    expect(md).toContain('Configuration: concurrency=16.')
    expect(md.trimEnd().endsWith('none')).toBe(true)
  })
})

describe('load generator wire helpers', () => {
  it('carry the send time through a webhook body', () => {
    const body = webhookBody('t|1', 42, 1_732_170_000_123.457)
    expect(JSON.parse(body).payload.threadId).toBe('t|1')
    expect(sentAtOf(JSON.stringify({ body: JSON.parse(body) }))).toBe(1_732_170_000_123.457)
    expect(sentAtOf('{"kind":"reply"}')).toBeUndefined()
  })

  it('parse SSE split across chunks, skipping comments and retry lines', () => {
    const events: SseEvent[] = []
    const feed = createSseParser((e) => events.push(e))
    feed('retry: 1000\n\n: hb\n\nid: 1-0\nevent: reply\nda')
    feed('ta: {"a":1}\r\n\r\nid: 1-1\ndata: x\ndata: y\n')
    expect(events).toEqual([{ id: '1-0', event: 'reply', data: '{"a":1}' }])
    feed('\n')
    expect(events[1]).toEqual({ id: '1-1', event: undefined, data: 'x\ny' })
  })
})

describe('bare node:http ceiling', () => {
  it('writes a POST body to the SSE streams of its channel only, as it came', async () => {
    const bare = await startChild('relay/bare-server.ts')
    const streams: { destroy: () => void }[] = []
    try {
      const { baseUrl } = bare.info as { baseUrl: string }
      const listen = (channel: string) => {
        const events: SseEvent[] = []
        const opened = new Promise<void>((resolve, reject) => {
          const req = request(`${baseUrl}/v1/threads/${encodeURIComponent(channel)}/events`, (res) => {
            res.setEncoding('utf8')
            res.on(
              'data',
              createSseParser((e) => events.push(e)),
            )
            resolve()
          })
          req.once('error', reject)
          req.end()
          streams.push(req)
        })
        return { events, opened }
      }
      const mine = listen('t|1')
      const other = listen('t|2')
      await Promise.all([mine.opened, other.opened])
      const body = webhookBody('t|1', 7, 123.5)
      const answer = await fetch(`${baseUrl}/webhooks/bare/${encodeURIComponent('t|1')}`, {
        method: 'POST',
        body,
      })
      expect(answer.status).toBe(200)
      await expect.poll(() => mine.events.length, { timeout: 10_000 }).toBe(1)
      expect(mine.events[0]!.data).toBe(body)
      // A POST to the other channel reaches the other stream, so its silence above was not a slow read.
      await fetch(`${baseUrl}/webhooks/bare/${encodeURIComponent('t|2')}`, { method: 'POST', body: '{}' })
      await expect.poll(() => other.events.length, { timeout: 10_000 }).toBe(1)
      expect(other.events[0]!.data).toBe('{}')
      expect(mine.events).toHaveLength(1)
      // What the CPU figures are divided by.
      expect(await bare.call<number>('cpu')).toBeGreaterThan(0)
    } finally {
      for (const s of streams) s.destroy()
      await bare.stop()
    }
  })
})
