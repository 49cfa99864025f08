import { safeParse, threadIdSchema } from '@flowchat/core/schemas'
import { badRequest } from './http-error.js'

/** The `:threadId` path parameter (already URL-decoded), validated with `threadIdSchema`. */
export function threadIdParam(params: unknown, name = 'threadId'): string {
  const value = (params as Record<string, unknown> | undefined)?.[name]
  const parsed = safeParse(threadIdSchema, value)
  if (!parsed.ok) throw badRequest(name, parsed.issues[0]?.message ?? 'is invalid')
  return parsed.value
}

/** `?sync=true` (also `1`). */
export function isSync(query: unknown): boolean {
  const sync = (query as Record<string, unknown> | undefined)?.sync
  return sync === 'true' || sync === '1'
}

/** `?page=N`: a whole number from 1 to 999999999 (nine digits), default 1. */
export function pageParam(query: unknown): number {
  const page = (query as Record<string, unknown> | undefined)?.page
  if (page === undefined || page === '') return 1
  if (typeof page !== 'string' || !/^\d{1,9}$/.test(page) || Number(page) < 1) {
    throw badRequest('page', 'must be a whole number from 1 to 999999999')
  }
  return Number(page)
}
