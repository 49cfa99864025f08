import { SignJWT, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose'
import { FlowErrorCode } from '@flowchat/core'
import { httpError } from './http-error.js'

/** Who a request acts for, from its token. */
export type Principal =
  | { scope: 'thread'; threadId: string; name?: string; expiresAt: Date }
  | { scope: 'operator'; operator: string; expiresAt: Date }

/** What a token is issued for. */
export type TokenClaims = { threadId: string; name?: string } | { operator: string }

/** How long after expiry a thread token may still be exchanged for a fresh one (POST /v1/sessions). */
export const REFRESH_GRACE_SECONDS = 24 * 60 * 60

export interface TokenService {
  /** Signs a token; resolves the JWT and its expiry. */
  issue(claims: TokenClaims, ttlSeconds?: number): Promise<{ token: string; expiresAt: Date }>
  /** Verifies a token, throwing `unauthorized` (401) when it is malformed, forged or expired. */
  verify(token: string): Promise<Principal>
  /** Verifies a thread token for a refresh: it may have expired up to the grace period ago. */
  verifyForRefresh(token: string): Promise<Principal>
}

const ALG = 'HS256'

/**
 * HS256 JWTs signed with the relay's token secret (docs/relay-protocol.md, Tokens): `scope`, `sub`, `name`,
 * `iat`, `exp`.
 *
 * @example
 * const tokens = createTokenService({ secret, ttlSeconds: 3600 })
 * const { token } = await tokens.issue({ threadId: 't1', name: 'Ann' })
 */
export function createTokenService(options: { secret: string; ttlSeconds: number }): TokenService {
  const key = new TextEncoder().encode(options.secret)

  async function decode(token: string, graceSeconds: number): Promise<Principal> {
    let payload: JWTPayload
    try {
      ;({ payload } = await jwtVerify(token, key, { algorithms: [ALG], clockTolerance: graceSeconds }))
    } catch (error) {
      const expired = error instanceof joseErrors.JWTExpired
      throw httpError(
        FlowErrorCode.unauthorized,
        expired
          ? 'The token has expired: get a fresh one from POST /v1/sessions.'
          : 'The token is not valid: get one from POST /v1/sessions (visitors) or POST /v1/operator/sessions.',
      )
    }
    const exp = typeof payload.exp === 'number' ? new Date(payload.exp * 1000) : undefined
    const { scope, sub, name } = payload as JWTPayload & { scope?: unknown; name?: unknown }
    if (!exp || typeof sub !== 'string' || sub.length === 0) throw malformed()
    if (scope === 'thread') {
      return { scope, threadId: sub, ...(typeof name === 'string' ? { name } : {}), expiresAt: exp }
    }
    if (scope === 'operator') return { scope, operator: sub, expiresAt: exp }
    throw malformed()
  }

  return {
    async issue(claims, ttlSeconds = options.ttlSeconds) {
      const now = Math.floor(Date.now() / 1000)
      const exp = now + Math.max(1, Math.floor(ttlSeconds))
      const body =
        'operator' in claims
          ? { scope: 'operator' }
          : { scope: 'thread', ...(claims.name === undefined ? {} : { name: claims.name }) }
      const token = await new SignJWT(body)
        .setProtectedHeader({ alg: ALG, typ: 'JWT' })
        .setSubject('operator' in claims ? claims.operator : claims.threadId)
        .setIssuedAt(now)
        .setExpirationTime(exp)
        .sign(key)
      return { token, expiresAt: new Date(exp * 1000) }
    },
    verify: (token) => decode(token, 0),
    async verifyForRefresh(token) {
      const principal = await decode(token, REFRESH_GRACE_SECONDS)
      if (principal.scope !== 'thread') {
        throw httpError(FlowErrorCode.forbidden, 'Only a thread token can be refreshed at POST /v1/sessions.')
      }
      return principal
    },
  }
}

function malformed() {
  return httpError(
    FlowErrorCode.unauthorized,
    'The token does not carry the claims of a flowchat relay token.',
  )
}
