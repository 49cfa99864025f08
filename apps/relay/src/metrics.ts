import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'

/** Why a webhook delivery was refused: each is a `reason` of `flowchat_webhooks_rejected_total`. */
const REJECTION_REASONS = ['secret', 'json', 'too_large', 'invalid', 'storage'] as const

export interface RelayMetrics {
  webhookReceived(): void
  webhookDeduplicated(): void
  webhookRejected(reason: (typeof REJECTION_REASONS)[number]): void
  eventDelivered(): void
  streamOpened(): void
  streamClosed(): void
  sendObserved(seconds: number): void
  /** Prometheus text exposition: the relay's own metrics, then process and Node runtime ones. */
  render(): Promise<string>
  /** The `Content-Type` of `render()`'s text. */
  readonly contentType: string
}

/** How often prom-client samples event-loop lag, in ms (see createMetrics). */
const EVENT_LOOP_SAMPLE_MS = 100

/**
 * The relay's metrics on a `prom-client` registry of its own (several relays in one process do not collide),
 * with prom-client's default process and Node metrics (event-loop lag, heap, GC, handles) beside them.
 * The hot paths (webhook ingest, SSE delivery) bump plain numbers that the registry reads at scrape time.
 *
 * @example
 * const metrics = createMetrics()
 * metrics.webhookReceived()
 * reply.type(metrics.contentType).send(await metrics.render())
 */
export function createMetrics(options: { defaultMetrics?: boolean } = {}): RelayMetrics {
  const registry = new Registry()
  if (options.defaultMetrics !== false) {
    // Event-loop lag sampled every 100 ms, not prom-client's 10: its timer wakes the process at each sample, which
    // cost 7.5 ms of CPU per second on a 2-core VM (idle or not, so 7.5 µs per webhook at 1,000/s) against 1 ms.
    // A stall still shows in full once it spans a sample; stalls much shorter than 100 ms may go uncounted.
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS })
  }
  let received = 0
  let delivered = 0
  let open = 0
  const atScrape = (read: () => number) =>
    function (this: Counter) {
      this.reset()
      this.inc(read())
    }
  new Counter({
    name: 'flowchat_webhooks_received_total',
    help: 'Webhook deliveries accepted for processing.',
    registers: [registry],
    collect: atScrape(() => received),
  })
  const deduplicated = new Counter({
    name: 'flowchat_webhooks_deduplicated_total',
    help: 'Webhook deliveries already stored (retries).',
    registers: [registry],
  })
  const rejected = new Counter({
    name: 'flowchat_webhooks_rejected_total',
    help: 'Webhook deliveries rejected, by reason.',
    labelNames: ['reason'],
    registers: [registry],
  })
  // Every reason from the start, at 0: a series that appears only at its first rejection is missed by `rate()` and
  // by an alert on its increase.
  for (const reason of REJECTION_REASONS) rejected.inc({ reason }, 0)
  new Counter({
    name: 'flowchat_events_delivered_total',
    help: 'Events written to SSE streams.',
    registers: [registry],
    collect: atScrape(() => delivered),
  })
  new Gauge({
    name: 'flowchat_open_streams',
    help: 'SSE streams open now.',
    registers: [registry],
    collect() {
      this.set(open)
    },
  })
  const sends = new Histogram({
    name: 'flowchat_send_duration_seconds',
    help: 'Time from a send request to Flow.ai acking it.',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  })

  return {
    webhookReceived: () => void received++,
    webhookDeduplicated: () => deduplicated.inc(),
    webhookRejected: (reason) => rejected.inc({ reason }),
    eventDelivered: () => void delivered++,
    streamOpened: () => void open++,
    streamClosed: () => void open--,
    sendObserved: (seconds) => sends.observe(seconds),
    render: () => registry.metrics(),
    contentType: registry.contentType,
  }
}
