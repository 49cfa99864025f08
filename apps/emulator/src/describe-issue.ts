import type * as z from 'zod/mini'

/**
 * What a zod issue means, in words: zod/mini carries no English messages ("Invalid input"), so the rule is read
 * from the issue itself. Custom messages (`must be at most 255 characters`) are kept. With `root`, a value that is
 * absent at the issue's path is reported as `is required`.
 *
 * @example
 * describeIssue({ code: 'unrecognized_keys', keys: ['x'], path: [], message: '', input: {} }) // 'unknown key "x"'
 */
export function describeIssue(issue: z.core.$ZodIssue, root?: unknown): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}`
    case 'invalid_type':
      return root !== undefined && valueAt(root, issue.path) === undefined
        ? 'is required'
        : `expected ${issue.expected}`
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
    case 'invalid_union':
      return 'does not match any allowed form'
    default:
      return issue.message
  }
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined
    value = (value as Record<PropertyKey, unknown>)[key]
  }
  return value
}
