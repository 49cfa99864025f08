/**
 * Event ids are `<ms>-<seq>` (the Redis stream id form). They compare numerically, part by part: string order
 * would put `9-0` after `10-0`.
 */

/** The one event-id rule and comparison are the protocol's; storage modules import them from here. */
export { compareEventIds, isEventId, parseEventId } from '@flowchat/core/protocol'

/**
 * Creates a generator of increasing ids. A clock that goes backwards does not break the order: the
 * millisecond part never decreases, and the sequence counts up within one millisecond.
 *
 * @example
 * const next = createIdGenerator()
 * next() // '1732170000000-0'
 */
export function createIdGenerator(now: () => number = Date.now): () => string {
  let lastMs = -1
  let seq = 0
  return () => {
    const ms = Math.max(Math.floor(now()), lastMs)
    seq = ms === lastMs ? seq + 1 : 0
    lastMs = ms
    return `${ms}-${seq}`
  }
}
