/**
 * Event ids are `<ms>-<seq>` (the Redis stream id form), each part 1 to 20 digits, increasing within a stream.
 * They compare numerically, part by part: string order would put `9-0` after `10-0`.
 */
export const EVENT_ID_PATTERN = /^(\d{1,20})-(\d{1,20})$/

/** The rule a malformed event id breaks, as every refusal names it. */
export const EVENT_ID_RULE = 'must look like <ms>-<seq>'

/**
 * True when `id` is a well-formed event id.
 *
 * @example
 * isEventId('5-1') // true
 * isEventId('5') // false
 */
export function isEventId(id: string): boolean {
  return EVENT_ID_PATTERN.test(id)
}

/**
 * The two parts of an event id as whole numbers, or `undefined` when `id` is malformed.
 *
 * @example
 * parseEventId('1732170000000-4') // { ms: 1732170000000n, seq: 4n }
 */
export function parseEventId(id: string): { ms: bigint; seq: bigint } | undefined {
  const match = EVENT_ID_PATTERN.exec(id)
  return match ? { ms: BigInt(match[1] as string), seq: BigInt(match[2] as string) } : undefined
}

/** The leading zeros of a number with other digits: one pattern, not one made per comparison. */
const LEADING_ZEROS = /^0+(?=\d)/

/** Compares two digit strings as whole numbers, without `BigInt` or loss of precision past 2^53. */
function compareDigits(a: string, b: string): number {
  const x = a.replace(LEADING_ZEROS, '')
  const y = b.replace(LEADING_ZEROS, '')
  if (x.length !== y.length) return x.length < y.length ? -1 : 1
  return x < y ? -1 : x > y ? 1 : 0
}

/**
 * Compares two event ids numerically: negative when `a` is older, 0 when equal, positive when newer.
 * The one comparison of relay and client. A malformed id sorts before every well-formed one (so it is never
 * taken for "newer" and never skips events); two malformed ids compare equal.
 *
 * @example
 * compareEventIds('9-0', '10-0') // < 0
 * compareEventIds('garbage', '0-0') // < 0
 */
export function compareEventIds(a: string, b: string): number {
  // `test` makes no match array (this runs for every event folded); the pattern's one `-` splits the parts.
  const x = EVENT_ID_PATTERN.test(a)
  const y = EVENT_ID_PATTERN.test(b)
  if (!x || !y) return (x ? 1 : 0) - (y ? 1 : 0)
  const i = a.indexOf('-')
  const j = b.indexOf('-')
  return compareDigits(a.slice(0, i), b.slice(0, j)) || compareDigits(a.slice(i + 1), b.slice(j + 1))
}
