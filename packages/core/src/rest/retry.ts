import type { RetryOptions } from './types.js'

// The rule lives in core's retry folder; this path stays importable for existing callers.
export { parseRetryAfter } from '../retry/retry-after.js'

/** Retry defaults: two more attempts, 250 ms doubling, no single wait over 10 s. */
export const DEFAULT_RETRY = {
  retries: 2,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
} satisfies Required<RetryOptions>

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
