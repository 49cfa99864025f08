/**
 * Wall-clock milliseconds with sub-millisecond precision. Every benchmark process stamps and reads times with
 * this one function, so a send time written by the POST generator and a receive time read by an SSE subscriber
 * (two processes) are on the same scale; `lib/child-process.ts` measures what offset remains between them.
 *
 * @example
 * const sentAt = now()
 */
export function now(): number {
  return performance.timeOrigin + performance.now()
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
