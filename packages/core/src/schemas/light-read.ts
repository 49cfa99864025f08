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
 * The elements of an array (missing: none) each read by `read`, or undefined when one does not fit. `read` is a
 * pure reader of one value (`map` passes it the index and array too).
 *
 * @example
 * listOf(['a', 1], (v) => (isString(v) ? v : undefined)) // undefined
 */
export function listOf<T>(v: unknown, read: (v: unknown) => T | undefined): T[] | undefined {
  if (v === undefined) return []
  if (!Array.isArray(v)) return undefined
  // `map` sizes the list once (pushing onto `[]` reserves room for 17); readers are pure, so reading past a
  // misfit changes nothing.
  const out = v.map(read)
  return out.includes(undefined) ? undefined : (out as T[])
}
