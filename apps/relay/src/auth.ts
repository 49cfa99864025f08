import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { FlowErrorCode } from '@flowchat/core'
import { httpError } from './http-error.js'
import type { Principal, TokenService } from './token-service.js'

/**
 * The bearer credential of a request: `Authorization: Bearer <jwt>`, or `?access_token=` where a native
 * EventSource cannot set headers (only on routes whose table entry allows it: the SSE GETs). Undefined when
 * there is none.
 */
export function bearerOf(request: FastifyRequest, allowQuery = false): string | undefined {
  const header = request.headers.authorization
  if (typeof header === 'string' && header.length > 0) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
    if (!match) {
      throw httpError(FlowErrorCode.unauthorized, 'The Authorization header must be `Bearer <token>`.')
    }
    return match[1]
  }
  if (!allowQuery) return undefined
  const query = request.query as Record<string, unknown> | undefined
  const fromQuery = query?.access_token
  return typeof fromQuery === 'string' && fromQuery.length > 0 ? fromQuery : undefined
}

/**
 * The principal of a request with a valid token; 401 without one.
 *
 * @example
 * const who = authenticate(request, tokens)
 * authorizeThread(who, threadId)
 */
export function authenticate(request: FastifyRequest, tokens: TokenService, allowQuery = false): Principal {
  const token = bearerOf(request, allowQuery)
  if (token === undefined) {
    throw httpError(
      FlowErrorCode.unauthorized,
      allowQuery
        ? 'A token is required: send `Authorization: Bearer <token>` (or `?access_token=` for EventSource).'
        : 'A token is required: send `Authorization: Bearer <token>`.',
    )
  }
  return tokens.verify(token)
}

/** Throws 403 unless the principal may read and write `threadId` (its own thread, or an operator). */
export function authorizeThread(principal: Principal, threadId: string): void {
  if (principal.scope === 'operator') return
  if (principal.threadId !== threadId) {
    throw httpError(FlowErrorCode.forbidden, 'This token is for another thread.')
  }
}

/** Throws 403 unless the principal is an operator. */
export function requireOperator(
  principal: Principal,
): asserts principal is Extract<Principal, { scope: 'operator' }> {
  if (principal.scope !== 'operator') {
    throw httpError(
      FlowErrorCode.forbidden,
      'This route needs an operator token (POST /v1/operator/sessions).',
    )
  }
}

/**
 * The key of the per-token limits (open streams, sends): a visitor's thread, so it keeps its budget across token
 * refreshes; an operator's sign-in, so operators who share a name (or have none) do not share a budget.
 */
export function principalKey(principal: Principal): string {
  if (principal.scope === 'thread') return `thread:${principal.threadId}`
  return principal.session === undefined
    ? `operator:${principal.operator}`
    : `operator:${principal.operator}:${principal.session}`
}

const digest = (value: string) => createHash('sha256').update(value).digest()

/**
 * True when `given` equals `expected`, compared in constant time (on equal-length digests): for secrets
 * (operator password, metrics token, webhook secret).
 *
 * @example
 * if (!secretEquals(presented, settings.operatorPassword)) throw httpError('unauthorized', '…')
 */
export function secretEquals(given: string | undefined, expected: string): boolean {
  return given !== undefined && timingSafeEqual(digest(given), digest(expected))
}

/** The token of an `Authorization: Bearer <token>` header, or undefined (never throws: for non-JWT secrets). */
export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1]
}
