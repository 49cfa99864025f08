import { randomBytes } from 'node:crypto'
import { FlowErrorCode } from '@flowchat/core'
import { createHs256Jwt } from './hs256-jwt.js'
import { httpError } from './http-error.js'

/** Who a request acts for, from its token. */
export type Principal =
  | { scope: 'thread'; threadId: string; name?: string; expiresAt: Date }
  | {
      scope: 'operator'
      operator: string
      /**
       * The sign-in this token came from (its `jti`): the per-token caps count by it, so operators who sign in
       * under the same name (or none) each have their own. Undefined for tokens issued before relays set it.
       */
      session?: string
      expiresAt: Date
    }

/** What a token is issued for. */
export type TokenClaims = { threadId: string; name?: string } | { operator: string }

/** How long after expiry a thread token may still be exchanged for a fresh one (POST /v1/sessions). */
export const REFRESH_GRACE_SECONDS = 24 * 60 * 60

export interface TokenService {
  /** Signs a token; returns the JWT and its expiry. */
  issue(claims: TokenClaims, ttlSeconds?: number): { token: string; expiresAt: Date }
  /** Verifies a token, throwing `unauthorized` (401) when it is malformed, forged or expired. */
  verify(token: string): Principal
  /** Verifies a thread token for a refresh: it may have expired up to the grace period ago. */
  verifyForRefresh(token: string): Principal
}

export interface TokenServiceOptions {
  secret: string
  ttlSeconds: number
  /** The clock, in ms since the epoch. Default `Date.now`. */
  now?: () => number
}

/**
 * HS256 JWTs signed with the relay's token secret (docs/relay-protocol.md, Tokens): `scope`, `sub`, `name`,
 * `iat`, `exp`, and `jti` on operator tokens. Verifying is synchronous (see {@link createHs256Jwt}): every SSE stream opens with one.
 *
 * @example
 * const tokens = createTokenService({ secret, ttlSeconds: 3600 })
 * const { token } = tokens.issue({ threadId: 't1', name: 'Ann' })
 */
export function createTokenService(options: TokenServiceOptions): TokenService {
  const jwt = createHs256Jwt(options.secret)
  const now = options.now ?? Date.now

  function decode(token: string, graceSeconds: number): Principal {
    const check = jwt.verify(token, Math.floor(now() / 1000), graceSeconds)
    if (!check.ok) {
      throw httpError(
        FlowErrorCode.unauthorized,
        check.reason === 'expired'
          ? 'The token has expired: get a fresh one from POST /v1/sessions.'
          : 'The token is not valid: get one from POST /v1/sessions (visitors) or POST /v1/operator/sessions.',
      )
    }
    const { scope, sub, name, exp, jti } = check.claims
    if (typeof exp !== 'number' || typeof sub !== 'string' || sub.length === 0) throw malformed()
    const expiresAt = new Date(exp * 1000)
    if (scope === 'thread') {
      return typeof name === 'string'
        ? { scope, threadId: sub, name, expiresAt }
        : { scope, threadId: sub, expiresAt }
    }
    if (scope === 'operator') {
      return typeof jti === 'string' && jti !== ''
        ? { scope, operator: sub, session: jti, expiresAt }
        : { scope, operator: sub, expiresAt }
    }
    throw malformed()
  }

  return {
    issue(claims, ttlSeconds = options.ttlSeconds) {
      const iat = Math.floor(now() / 1000)
      const exp = iat + Math.max(1, Math.floor(ttlSeconds))
      // The claims in the order jose wrote them, so a token reads as it did: scope, name, sub, iat, exp; an
      // operator token adds a random `jti` that names its sign-in.
      const body =
        'operator' in claims
          ? { scope: 'operator', sub: claims.operator, iat, exp, jti: randomBytes(12).toString('base64url') }
          : claims.name === undefined
            ? { scope: 'thread', sub: claims.threadId, iat, exp }
            : { scope: 'thread', name: claims.name, sub: claims.threadId, iat, exp }
      return { token: jwt.sign(body), expiresAt: new Date(exp * 1000) }
    },
    verify: (token) => decode(token, 0),
    verifyForRefresh(token) {
      const principal = decode(token, REFRESH_GRACE_SECONDS)
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
