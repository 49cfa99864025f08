import * as z from 'zod/mini'
import { formatPath, MessageType, messageRequestSchema } from '@flowchat/core/schemas'
import type { InboundMessage } from '../conversation.js'
import { describeIssue } from '../describe-issue.js'
import { badRequest } from './http-error.js'

type Issue = z.core.$ZodIssue

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Validates the body of `POST messages/:threadId` with `messageRequestSchema`, throwing a 400 that names the
 * field (`payload.speech: must be at most 255 characters`, `payload.type: must be one of …`). A union failure is
 * explained by the branch of the message's own type rather than a bare "Invalid input".
 *
 * @example
 * parseMessageBody({ payload: { type: 'text', speech: 'hi', originator: { name: 'Ann', role: 'external' } } })
 */
export function parseMessageBody(body: unknown, where = ''): InboundMessage {
  if (!isRecord(body)) throw badRequest(where || 'body', 'must be a JSON object with a `payload`')
  const { payload } = body
  if (!isRecord(payload)) throw badRequest(`${where}payload`, 'must be an object')
  if (typeof payload.type !== 'string' || !Object.hasOwn(MessageType, payload.type)) {
    throw badRequest(`${where}payload.type`, `must be one of ${Object.keys(MessageType).join(', ')}`)
  }
  const result = z.safeParse(messageRequestSchema, body)
  if (result.success) return result.data.payload
  const issue = explain(result.error.issues)
  if (!issue) throw badRequest(`${where}payload`, 'is invalid')
  throw badRequest(`${where}${formatPath(issue.path)}`, describeIssue(issue, body))
}

/** The most specific issue, with its full path: inside a union, the branch whose `type` literal matched. */
function explain(issues: readonly Issue[], prefix: PropertyKey[] = []): Issue | undefined {
  const first = issues[0]
  if (!first) return undefined
  const path = [...prefix, ...first.path]
  if (first.code === 'invalid_union' && first.errors.length > 0) {
    const branch = first.errors.find((b) => !b.some((i) => i.path.length === 1 && i.path[0] === 'type'))
    if (branch && branch.length > 0) return explain(branch, path)
  }
  return { ...first, path }
}
