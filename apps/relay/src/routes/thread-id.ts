import { FlowErrorCode, safeParse, threadIdSchema } from '@flowchat/core'
import { httpError } from '../http-error.js'

/**
 * The `:threadId` path parameter (already URL-decoded by the router), validated: 400 naming `threadId` when it
 * is empty, too long or holds control characters.
 *
 * @example
 * const threadId = threadIdParam(request.params.threadId)
 */
export function threadIdParam(value: string): string {
  const parsed = safeParse(threadIdSchema, value)
  if (!parsed.ok) {
    throw httpError(FlowErrorCode.invalid_input, `threadId: ${parsed.issues[0]?.message ?? 'invalid'}`, {
      path: 'threadId',
    })
  }
  return parsed.value
}
