import { createHmac, createSecretKey, type KeyObject } from 'node:crypto'

/** What {@link Hs256Jwt.verify} concludes: the claims of a valid token, or why it is refused. */
export type JwtCheck =
  { ok: true; claims: Record<string, unknown> } | { ok: false; reason: 'invalid' | 'expired' }

/** Signs and verifies compact HS256 JWTs with one secret. */
export interface Hs256Jwt {
  /** A compact JWT of `claims`, header `{"alg":"HS256","typ":"JWT"}`. */
  sign(claims: Record<string, unknown>): string
  /**
   * Checks `token` at `nowSeconds`: its form, an `HS256` header without `crit`, its signature (in constant time),
   * and the numeric dates `iat`, `nbf` and `exp` when present: `nbf` may be up to `toleranceSeconds` ahead, and
   * `exp` may have passed up to `toleranceSeconds` ago (`expired` past that).
   */
  verify(token: string, nowSeconds: number, toleranceSeconds: number): JwtCheck
}

/** The header every token this relay signs carries, encoded once. */
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url')
/** Base64url without padding; a length of 4n + 1 characters decodes to nothing whole. */
const BASE64URL = /^[\w-]+$/
/** An HMAC-SHA256 is 32 bytes: 43 base64url characters. */
const SIGNATURE_CHARS = 43
const utf8 = new TextDecoder('utf-8', { fatal: true })
const invalid: JwtCheck = { ok: false, reason: 'invalid' }
const expired: JwtCheck = { ok: false, reason: 'expired' }

/**
 * HS256 JWTs with `node:crypto`, synchronously: RFC 7515's compact form and RFC 7519's date checks, as `jose`'s
 * `jwtVerify` with `algorithms: ['HS256']` makes them, without its WebCrypto promises and copies (they were most
 * of the CPU and allocation of opening an SSE stream). Any other `alg` (`none` included) is refused, and so is a
 * header with `crit`: the relay signs its tokens without extensions.
 *
 * @example
 * const jwt = createHs256Jwt(secret)
 * const check = jwt.verify(jwt.sign({ sub: 't1', exp: 2e9 }), Math.floor(Date.now() / 1000), 0)
 */
export function createHs256Jwt(secret: string): Hs256Jwt {
  const key = createSecretKey(Buffer.from(secret, 'utf8'))
  return {
    sign(claims) {
      const input = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`
      return `${input}.${hmac(key, input)}`
    },
    verify(token, nowSeconds, toleranceSeconds) {
      const headerEnd = token.indexOf('.')
      const payloadEnd = token.indexOf('.', headerEnd + 1)
      if (headerEnd < 0 || payloadEnd < 0 || token.indexOf('.', payloadEnd + 1) >= 0) return invalid
      const header = token.slice(0, headerEnd)
      const payload = token.slice(headerEnd + 1, payloadEnd)
      const signature = token.slice(payloadEnd + 1)
      // The relay's own header needs no parsing; any other must still say HS256.
      if (header !== HEADER && !isHs256Header(decodeJson(header))) return invalid
      if (signature.length !== SIGNATURE_CHARS || !BASE64URL.test(signature)) return invalid
      // Every character signed is checked as base64url first, so the signed bytes are the token's characters.
      if (!isSegment(payload)) return invalid
      // Compared as text: 43 base64url characters are 32 bytes, and one encoding of them is canonical.
      if (!sameText(signature, hmac(key, token.slice(0, payloadEnd)))) return invalid
      const claims = decodeJson(payload)
      if (!isObject(claims)) return invalid
      const { iat, nbf, exp } = claims
      if (!isNumericDate(iat) || !isNumericDate(nbf) || !isNumericDate(exp)) return invalid
      if (nbf !== undefined && nbf > nowSeconds + toleranceSeconds) return invalid
      if (exp !== undefined && exp <= nowSeconds - toleranceSeconds) return expired
      return { ok: true, claims }
    },
  }
}

/**
 * Whether two strings of equal length are equal, in time that does not depend on where they differ (as
 * `timingSafeEqual`, without two buffers per call).
 */
function sameText(given: string, expected: string): boolean {
  let differ = given.length ^ expected.length
  for (let i = 0; i < expected.length; i++) differ |= given.charCodeAt(i) ^ expected.charCodeAt(i)
  return differ === 0
}

/** The HMAC-SHA256 of `input` (ASCII: base64url segments), base64url-encoded. */
function hmac(key: KeyObject, input: string): string {
  return createHmac('sha256', key).update(input, 'latin1').digest('base64url')
}

/** The JSON a base64url segment holds, or undefined when it is not base64url, UTF-8 or JSON. */
function decodeJson(segment: string): unknown {
  if (!isSegment(segment)) return undefined
  try {
    return JSON.parse(utf8.decode(Buffer.from(segment, 'base64url')))
  } catch {
    return undefined
  }
}

function isSegment(segment: string): boolean {
  return segment.length % 4 !== 1 && BASE64URL.test(segment)
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isHs256Header(header: unknown): boolean {
  return isObject(header) && header.alg === 'HS256' && !('crit' in header)
}

/** Absent, or a number (RFC 7519's NumericDate; JSON has no infinities). */
function isNumericDate(value: unknown): value is number | undefined {
  return value === undefined || typeof value === 'number'
}
