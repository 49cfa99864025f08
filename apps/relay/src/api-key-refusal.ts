import type { FastifyBaseLogger } from 'fastify'
import { FlowErrorCode } from '@flowchat/core'
import { UpstreamError } from './http-error.js'

/** What the relay makes of Flow.ai refusing its API key: one error line, not a warning per send. */
export interface ApiKeyRefusals {
  /**
   * Logs `error` when it is Flow.ai refusing the relay's API key (its 401 or 403): at error level the first time,
   * then at debug until Flow.ai answers a call again. `false` for any other error, which is not logged here.
   */
  log(error: unknown, log: FastifyBaseLogger): boolean
  /** Flow.ai answered a call: the key is good (again), and its next refusal is logged at error level. */
  accepted(): void
}

/**
 * A wrong API key fails every send the same way until the operator fixes it: a warning per send buried the one
 * line that mattered, and said nothing an operator's alert on errors would catch. Neither line holds the key.
 *
 * @example
 * const refusals = createApiKeyRefusals()
 * if (!refusals.log(error, request.log)) request.log.warn({ err: error }, 'Flow.ai refused the call')
 */
export function createApiKeyRefusals(): ApiKeyRefusals {
  let refused = false
  return {
    log(error, log) {
      if (!(error instanceof UpstreamError)) return false
      const { code, status } = error.flowError
      if (code !== FlowErrorCode.unauthorized && code !== FlowErrorCode.forbidden) return false
      // The status as Flow.ai answered it, when the error carries one (a 200 with an error body carries none).
      const said = status === undefined ? code : `HTTP ${status}`
      const fields = status === undefined ? { code } : { code, flowStatus: status }
      if (refused) {
        log.debug(fields, `Flow.ai refused the relay's API key again (${said})`)
      } else {
        refused = true
        log.error(
          fields,
          `Flow.ai refused the relay's API key (${said}): every send fails until the key and its auth style are fixed (--api-key, --auth); further refusals are logged at debug level until Flow.ai accepts a call again`,
        )
      }
      return true
    },
    accepted() {
      refused = false
    },
  }
}
