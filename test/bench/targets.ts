import type { Target } from './lib/report.js'

/** Issue 9's promises, on a 2-core machine with memory storage unless said otherwise. */
export const targets: Target[] = [
  {
    id: 'a-rate',
    description: '(a) webhook POSTs/s',
    figure: 'a.postsPerSecond',
    op: '>=',
    limit: 8_000,
    unit: '/s',
  },
  { id: 'a-p99', description: '(a) POST → SSE p99', figure: 'a.p99', op: '<=', limit: 5, unit: 'ms' },
  {
    id: 'b-rate',
    description: '(b) deliveries/s',
    figure: 'b.deliveriesPerSecond',
    op: '>=',
    limit: 150_000,
    unit: '/s',
  },
  { id: 'b-p99', description: '(b) POST → SSE p99', figure: 'b.p99', op: '<=', limit: 20, unit: 'ms' },
  {
    id: 'c-rss',
    description: '(c) relay RSS per idle stream',
    figure: 'c.rssPerConnection',
    op: '<=',
    limit: 10,
    unit: 'KB',
  },
  {
    id: 'e-ratio',
    description: '(e) relay ingest / bare node:http',
    figure: 'e.ratio',
    op: '>=',
    limit: 50,
    unit: '%',
  },
  {
    id: 'redis-paced',
    description: 'Redis p99 / memory p99 at 1,000 POSTs/s',
    figure: 'redis.pacedP99Ratio',
    op: '<=',
    limit: 2,
    unit: '×',
  },
  {
    id: 'widget-size',
    description: 'widget gzip size',
    figure: 'size.gzipKB',
    op: '<=',
    limit: 40,
    unit: 'KB',
  },
  {
    id: 'append',
    description: 'append 1 message to 5,000',
    figure: 'render.appendMs',
    op: '<=',
    limit: 16,
    unit: 'ms',
  },
  // Linear growth: the cost per event at 10,000 events stays within 2× of the cost at 1,000 (quadratic would be 10×).
  {
    id: 'fold',
    description: 'fold: cost per event at 10,000 / at 1,000',
    figure: 'fold.perEventRatio',
    op: '<=',
    limit: 2,
    unit: '×',
  },
]
