import { isNumber } from '../schemas/light-read.js'

/** Claims the client reads from a relay token (it never verifies them: the relay does). */
export interface TokenClaims {
  /** Expiry, epoch ms. */
  exp?: number
  /** Issued at, epoch ms. */
  iat?: number
}

/**
 * Reads a JWT's claims without verifying it, to know when to refresh. Undefined for anything that is not a JWT.
 *
 * @example
 * decodeTokenClaims(token)?.exp // epoch ms
 */
export function decodeTokenClaims(token: string): TokenClaims | undefined {
  try {
    // base64url to base64; `atob` needs no padding. The claims read are numbers: the payload's other strings
    // may stay undecoded UTF-8 bytes. A token without a payload part throws here too.
    const payload = token.split('.')[1]!
    const json = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>
    const ms = (v: unknown) => (isNumber(v) ? v * 1000 : undefined)
    return { exp: ms(json.exp), iat: ms(json.iat) }
  } catch {
    return undefined
  }
}

/**
 * When to refresh a token: at 80% of its life, so a slow refresh or a sleeping laptop still has 20% left.
 * Undefined when the token says nothing about its expiry.
 *
 * @example
 * refreshAt({ iat: 0, exp: 3_600_000 }, 0) // 2_880_000
 */
export function refreshAt(claims: TokenClaims | undefined, issuedFallback: number): number | undefined {
  if (claims?.exp === undefined) return undefined
  const issued = claims.iat ?? issuedFallback
  return issued + (claims.exp - issued) * 0.8
}
