/** Upper bounds (seconds) of the send latency histogram. */
const BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const

export interface RelayMetrics {
  webhookReceived(): void
  webhookDeduplicated(): void
  webhookRejected(reason: 'secret' | 'json' | 'too_large' | 'invalid' | 'storage'): void
  eventDelivered(): void
  streamOpened(): void
  streamClosed(): void
  sendObserved(seconds: number): void
  /** Prometheus text exposition format 0.0.4. */
  render(): string
}

/**
 * The relay's counters, in memory, rendered as Prometheus text at `GET /metrics`.
 *
 * @example
 * const metrics = createMetrics()
 * metrics.webhookReceived()
 * reply.type('text/plain; version=0.0.4').send(metrics.render())
 */
export function createMetrics(): RelayMetrics {
  let received = 0
  let deduplicated = 0
  const rejected = new Map<string, number>()
  let delivered = 0
  let open = 0
  const counts: number[] = BUCKETS.map(() => 0)
  let sendCount = 0
  let sendSum = 0

  return {
    webhookReceived: () => void received++,
    webhookDeduplicated: () => void deduplicated++,
    webhookRejected: (reason) => void rejected.set(reason, (rejected.get(reason) ?? 0) + 1),
    eventDelivered: () => void delivered++,
    streamOpened: () => void open++,
    streamClosed: () => void open--,
    sendObserved(seconds) {
      sendCount++
      sendSum += seconds
      BUCKETS.forEach((le, i) => {
        if (seconds <= le) counts[i] = (counts[i] ?? 0) + 1
      })
    },
    render() {
      const lines = [
        '# HELP flowchat_webhooks_received_total Webhook deliveries accepted for processing.',
        '# TYPE flowchat_webhooks_received_total counter',
        `flowchat_webhooks_received_total ${received}`,
        '# HELP flowchat_webhooks_deduplicated_total Webhook deliveries already stored (retries).',
        '# TYPE flowchat_webhooks_deduplicated_total counter',
        `flowchat_webhooks_deduplicated_total ${deduplicated}`,
        '# HELP flowchat_webhooks_rejected_total Webhook deliveries rejected, by reason.',
        '# TYPE flowchat_webhooks_rejected_total counter',
        ...[...rejected].map(([reason, n]) => `flowchat_webhooks_rejected_total{reason="${reason}"} ${n}`),
        '# HELP flowchat_events_delivered_total Events written to SSE streams.',
        '# TYPE flowchat_events_delivered_total counter',
        `flowchat_events_delivered_total ${delivered}`,
        '# HELP flowchat_open_streams SSE streams open now.',
        '# TYPE flowchat_open_streams gauge',
        `flowchat_open_streams ${open}`,
        '# HELP flowchat_send_duration_seconds Time from a send request to Flow.ai acking it.',
        '# TYPE flowchat_send_duration_seconds histogram',
        ...BUCKETS.map((le, i) => `flowchat_send_duration_seconds_bucket{le="${le}"} ${counts[i] ?? 0}`),
        `flowchat_send_duration_seconds_bucket{le="+Inf"} ${sendCount}`,
        `flowchat_send_duration_seconds_sum ${sendSum}`,
        `flowchat_send_duration_seconds_count ${sendCount}`,
      ]
      return `${lines.join('\n')}\n`
    },
  }
}
