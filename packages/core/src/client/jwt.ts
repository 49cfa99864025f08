/** Claims the client reads from a relay token (it never verifies them: the relay does). */
export interface TokenClaims {
  /** Expiry, epoch ms. */
  exp?: number
  /** Issued at, epoch ms. */
  iat?: number
  scope?: string
  sub?: string
}

function base64UrlDecode(part: string): string {
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/')
  const padded = b64 + '='.repeat((4 - (b64.length % 4)) % 4)
  const binary = atob(padded)
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0))
  return new TextDecoder().decode(bytes)
}

/**
 * Reads a JWT's claims without verifying it, to know when to refresh. Undefined for anything that is not a JWT.
 *
 * @example
 * decodeTokenClaims(token)?.exp // epoch ms
 */
export function decodeTokenClaims(token: string): TokenClaims | undefined {
  const payload = token.split('.')[1]
  if (payload === undefined) return undefined
  try {
    const json = JSON.parse(base64UrlDecode(payload)) as Record<string, unknown>
    const ms = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v * 1000 : undefined)
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined)
    const claims: TokenClaims = {}
    const exp = ms(json.exp)
    const iat = ms(json.iat)
    if (exp !== undefined) claims.exp = exp
    if (iat !== undefined) claims.iat = iat
    const scope = str(json.scope)
    const sub = str(json.sub)
    if (scope !== undefined) claims.scope = scope
    if (sub !== undefined) claims.sub = sub
    return claims
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
