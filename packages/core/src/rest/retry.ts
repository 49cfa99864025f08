import type { RetryOptions } from './types.js'

/** Retry defaults: two more attempts, 250 ms doubling, no single wait over 10 s. */
export const DEFAULT_RETRY = {
  retries: 2,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
} satisfies Required<RetryOptions>

/**
 * Statuses worth another attempt of a safe request: rate limiting and transient server trouble.
 * Every other 4xx (and 501) would fail the same way again.
 *
 * @example
 * isRetryableStatus(503) // true
 * isRetryableStatus(400) // false
 */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 500 || status === 502 || status === 503 || status === 504
}

/**
 * Milliseconds a `Retry-After` header asks to wait: delay-seconds or an HTTP date. Undefined when absent or
 * unreadable; never negative.
 *
 * @example
 * parseRetryAfter('3')                             // 3000
 * parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT') // ms until then, or 0 when past
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value == null) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  // An HTTP date always names its day or month; anything else ("-3", "soon") is unreadable.
  if (!/[a-z]/i.test(text)) return undefined
  const at = Date.parse(text)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - now)
}

/**
 * Exponential back-off with full jitter: a random wait in [0, min(max, base · 2^attempt)).
 * `attempt` counts from 0 for the first retry.
 *
 * @example
 * backoffDelay(2, DEFAULT_RETRY, Math.random) // somewhere in [0, 1000)
 */
export function backoffDelay(attempt: number, options: Required<RetryOptions>, random: () => number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt)
  return Math.floor(random() * ceiling)
}

/**
 * Waits `ms`, or rejects with the signal's reason as soon as it aborts.
 *
 * @example
 * await sleepUnlessAborted(setTimeoutSleep, 500, options.signal)
 */
export function sleepUnlessAborted(
  sleep: (ms: number) => Promise<void>,
  ms: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (!signal) return sleep(ms)
  if (signal.aborted) return Promise.reject(signal.reason as Error)
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error)
    signal.addEventListener('abort', onAbort, { once: true })
    sleep(ms).then(
      () => {
        signal.removeEventListener('abort', onAbort)
        resolve()
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error instanceof Error ? error : new Error(String(error)))
      },
    )
  })
}

/** The default `sleep`: a plain timer. */
export const timerSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
