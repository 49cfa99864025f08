/**
 * Event ids are `<ms>-<seq>` (the Redis stream id form). They compare numerically, part by part: string order
 * would put `9-0` after `10-0`.
 */

/** Parses an event id, or undefined when it is not of the form `<ms>-<seq>`. */
export function parseEventId(id: string): { ms: bigint; seq: bigint } | undefined {
  const match = /^(\d{1,20})-(\d{1,20})$/.exec(id)
  if (!match) return undefined
  return { ms: BigInt(match[1] as string), seq: BigInt(match[2] as string) }
}

/** True when `id` is a well-formed event id. */
export function isEventId(id: string): boolean {
  return parseEventId(id) !== undefined
}

/**
 * Compares two event ids numerically: negative when `a` is older, 0 when equal, positive when newer.
 * Malformed ids sort before every well-formed one.
 *
 * @example
 * compareEventIds('9-0', '10-0') // < 0
 */
export function compareEventIds(a: string, b: string): number {
  const x = parseEventId(a)
  const y = parseEventId(b)
  if (!x || !y) return (x ? 1 : 0) - (y ? 1 : 0)
  if (x.ms !== y.ms) return x.ms < y.ms ? -1 : 1
  if (x.seq !== y.seq) return x.seq < y.seq ? -1 : 1
  return 0
}

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
