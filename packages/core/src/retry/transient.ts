import type { FlowError } from '../errors.js'

/**
 * Statuses worth another attempt later: rate limiting and transient server or gateway trouble. Every other 4xx
 * (and 501) would fail the same way again. 401/403 are not transient: the caller refreshes its credentials first.
 *
 * @example
 * isTransientStatus(503) // true
 * isTransientStatus(400) // false
 */
export function isTransientStatus(status: number): boolean {
  return [429, 500, 502, 503, 504].includes(status)
}

/**
 * Whether a failure may go away by itself, so the same request is worth sending again after a back-off: an
 * answer with a transient status, or no answer at all (the network failed, the attempt timed out). The REST
 * client's retries, the outbox and the SSE reconnects all ask this one question.
 *
 * @example
 * isTransientFailure(new FlowError('network', 'offline'))                    // true
 * isTransientFailure(new FlowError('invalid_input', 'bad', { status: 400 })) // false
 */
export function isTransientFailure(error: Pick<FlowError, 'code' | 'status'>): boolean {
  if (error.status !== undefined) return isTransientStatus(error.status)
  return error.code === 'network' || error.code === 'timeout'
}
