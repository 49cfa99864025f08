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
