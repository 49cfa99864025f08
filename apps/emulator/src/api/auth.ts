import { timingSafeEqual } from 'node:crypto'
import type { AuthMode } from '../options.js'
import { HttpError } from './http-error.js'

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * Checks the `Authorization` header: `<key>` (current reference) and/or `Bearer <key>` (older reference),
 * compared in constant time. Throws a 401 that never repeats the header.
 *
 * @example
 * checkAuthorization(request.headers.authorization, 'both', apiKey)
 */
export function checkAuthorization(header: string | undefined, mode: AuthMode, apiKey: string): void {
  if (header === undefined || header.trim() === '') {
    throw new HttpError(401, 'Authorization: header is required (the API key)')
  }
  const bearer = /^Bearer\s+(.+)$/i.exec(header)
  if (bearer) {
    if (mode === 'raw') throw new HttpError(401, 'Authorization: send the API key itself, without `Bearer`')
    if (same(bearer[1]!.trim(), apiKey)) return
  } else {
    if (mode === 'bearer') throw new HttpError(401, 'Authorization: must be `Bearer <API key>`')
    if (same(header.trim(), apiKey)) return
  }
  throw new HttpError(401, 'Authorization: the API key is not valid')
}
