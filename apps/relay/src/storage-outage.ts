import type { FastifyBaseLogger } from 'fastify'
import { FlowErrorCode, type FlowError } from '@flowchat/core'
import { httpError } from './http-error.js'

/** The 503s of webhooks the storage could not take (see `storageFailure`). */
const failures = new WeakSet<object>()

/**
 * The answer to a delivery the storage could not take: 503 with `Retry-After`, so Flow.ai retries; the storage's
 * reason is its `cause`, for the log line, never for the client.
 *
 * @example
 * throw storageFailure(error)
 */
export function storageFailure(cause: unknown): FlowError {
  const error = httpError(FlowErrorCode.unavailable, 'The relay could not store the event; retry later.', {
    retryAfterSeconds: 5,
    cause,
  })
  failures.add(error)
  return error
}

/** What the relay logs of its storage refusing webhooks: one error line per outage, not one per delivery. */
export interface StorageOutage {
  /**
   * Logs `error` when it is a delivery the storage refused (`storageFailure`): at error level, with the storage's
   * reason, for the first of an outage, then at debug until a delivery is stored. `false` for any other error,
   * which is not logged here.
   */
  log(error: unknown, log: FastifyBaseLogger): boolean
  /** A delivery was stored: an outage under way ends, in one info line saying how many were refused and how long. */
  stored(log: FastifyBaseLogger): void
}

/**
 * A Redis outage refuses every delivery alike, at Flow.ai's pace (its retries included): an error line with a stack
 * per delivery buried everything else in the log. The count stays in `flowchat_webhooks_rejected_total{reason="storage"}`.
 *
 * @example
 * const outage = createStorageOutage()
 * answerError(error, request.log, [outage])
 */
export function createStorageOutage(now: () => number = Date.now): StorageOutage {
  let since: number | undefined
  let refused = 0
  return {
    log(error, log) {
      if (typeof error !== 'object' || error === null || !failures.has(error)) return false
      refused++
      const fields = { err: error, code: FlowErrorCode.unavailable }
      if (since !== undefined) {
        log.debug(fields, 'The storage refused a webhook again (answered 503)')
        return true
      }
      since = now()
      log.error(
        fields,
        'The storage refused a webhook (answered 503: Flow.ai retries it); further refusals are logged at debug level until a webhook is stored again',
      )
      return true
    },
    stored(log) {
      if (since === undefined) return
      const seconds = Math.round((now() - since) / 100) / 10
      log.info(
        { refused, outageSeconds: seconds },
        `The storage takes webhooks again: ${refused} were answered 503 over ${seconds} s (Flow.ai retries them)`,
      )
      since = undefined
      refused = 0
    },
  }
}
