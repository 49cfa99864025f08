import * as z from 'zod/mini'

/** The outcome of a tolerant parse: the value, or a message naming each failing field and its rule. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string; issues: ParseIssue[] }

/** One failing field: its dotted path (`payload.speech`) and the rule it broke. */
export interface ParseIssue {
  path: string
  message: string
}

/** Formats a path like `payload.messages[0].responses`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else out += out === '' ? String(key) : `.${String(key)}`
  }
  return out || '(root)'
}

/**
 * Parses `value` with `schema`, never throwing.
 *
 * @example
 * const r = safeParse(ackSchema, { status: 'ok' })
 * if (!r.ok) console.error(r.error) // "status: Invalid input: expected string, received undefined"
 */
export function safeParse<S extends z.ZodMiniType>(schema: S, value: unknown): ParseResult<z.output<S>> {
  const result = z.safeParse(schema, value)
  if (result.success) return { ok: true, value: result.data }
  const issues = result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }))
  return { ok: false, issues, error: issues.map((i) => `${i.path}: ${i.message}`).join('; ') }
}
