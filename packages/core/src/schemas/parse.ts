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

/** zod/mini ships no message locale (it would cost bundle size): its default text is this. */
const DEFAULT_MESSAGE = 'Invalid input'

/** Says which rule an issue broke when its schema gave no message of its own. */
function describe(issue: z.core.$ZodIssue): string {
  if (issue.message && issue.message !== DEFAULT_MESSAGE) return issue.message
  const unit = (origin: string) => (origin === 'string' ? ' characters' : origin === 'array' ? ' items' : '')
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`
    case 'too_big':
      return `must be at most ${String(issue.maximum)}${unit(issue.origin)}`
    case 'too_small':
      return issue.origin === 'string' && issue.minimum === 1
        ? 'must not be empty'
        : `must be at least ${String(issue.minimum)}${unit(issue.origin)}`
    case 'invalid_format':
      return issue.pattern ? `must match ${issue.pattern}` : `must be a valid ${issue.format}`
    case 'invalid_value':
      return `must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`
    case 'invalid_union':
      if ('options' in issue && issue.options) return `must be one of ${issue.options.map(String).join(', ')}`
      return unionRule(issue.errors.map((e) => (e[0] ? describe(e[0]) : '')).filter(Boolean))
    case 'unrecognized_keys':
      return `unknown keys ${issue.keys.join(', ')}`
    default:
      return DEFAULT_MESSAGE
  }
}

/** `expected string or number` from the rule of each alternative. */
function unionRule(rules: string[]): string {
  const unique = [...new Set(rules)]
  if (unique.length > 0 && unique.every((r) => r.startsWith('expected '))) {
    return `expected ${unique.map((r) => r.slice('expected '.length)).join(' or ')}`
  }
  return unique.join(', or ') || 'matches none of the documented forms'
}

/**
 * Parses `value` with `schema`, never throwing. Each issue names the field path and the rule it broke.
 *
 * @example
 * const r = safeParse(ackSchema, {})
 * if (!r.ok) console.error(r.error) // "status: expected string"
 */
export function safeParse<S extends z.ZodMiniType>(schema: S, value: unknown): ParseResult<z.output<S>> {
  const result = z.safeParse(schema, value)
  if (result.success) return { ok: true, value: result.data }
  const issues = result.error.issues.map((i) => ({ path: formatPath(i.path), message: describe(i) }))
  return { ok: false, issues, error: issues.map((i) => `${i.path}: ${i.message}`).join('; ') }
}
