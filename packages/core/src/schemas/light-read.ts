// The checks every light reader of the visitor's read path is built from (read-template, relay-readers,
// read-thread-event, the webhook decoder, the REST client): one copy of each, instead of one per reader.

/** True for a plain object (not an array, not null). */
export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** True for a string. */
export const isString = (v: unknown): v is string => typeof v === 'string'

/** True for a finite number. */
export const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

/** True when `v` is missing or passes `check`. */
export const optional = (v: unknown, check: (v: unknown) => boolean): boolean => v === undefined || check(v)

/**
 * The elements of an array (missing: none) each read by `read`, or undefined when one does not fit.
 *
 * @example
 * listOf(['a', 1], (v) => (isString(v) ? v : undefined)) // undefined
 */
export function listOf<T>(v: unknown, read: (v: unknown) => T | undefined): T[] | undefined {
  if (v === undefined) return []
  if (!Array.isArray(v)) return undefined
  const out: T[] = []
  for (const item of v) {
    const value = read(item)
    if (value === undefined) return undefined
    out.push(value)
  }
  return out
}
