import { createHmac } from 'node:crypto'
import { SignJWT, jwtVerify, type JWTHeaderParameters } from 'jose'
import { describe, expect, it } from 'vitest'
import { FlowError, FlowErrorCode } from '@flowchat/core'
import { testSecrets } from './testing/fake-flow.js'
import { REFRESH_GRACE_SECONDS, createTokenService } from './token-service.js'

// Random per run (testSecrets), as every relay test's: no secret is written into the repository.
const { tokenSecret: secret } = testSecrets()
const { tokenSecret: anotherSecret } = testSecrets()
const key = new TextEncoder().encode(secret)
const NOW = 1_800_000_000
const INVALID = /^The token is not valid: get one from POST \/v1\/sessions/
const EXPIRED = /^The token has expired: get a fresh one from POST \/v1\/sessions\.$/

const tokensAt = (seconds = NOW) =>
  createTokenService({ secret, ttlSeconds: 3600, now: () => seconds * 1000 })
const b64 = (value: string) => Buffer.from(value).toString('base64url')
/** A token with any header and claims, signed with `secret` by hand (jose refuses to write some of these). */
const handSigned = (header: object, claims: object, withKey = secret) => {
  const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(claims))}`
  return `${input}.${createHmac('sha256', withKey).update(input).digest('base64url')}`
}
const threadClaims = { scope: 'thread', sub: 't1', iat: NOW - 60, exp: NOW + 60 }

function refusal(run: () => unknown): FlowError {
  try {
    run()
  } catch (error) {
    if (error instanceof FlowError) return error
    throw error
  }
  throw new Error('expected a refusal')
}

function expectInvalid(token: string) {
  const error = refusal(() => tokensAt().verify(token))
  expect(error.code).toBe(FlowErrorCode.unauthorized)
  expect(error.message).toMatch(INVALID)
}

describe('token service', () => {
  it('writes the tokens jose wrote, byte for byte, and jose verifies them', async () => {
    const tokens = tokensAt()
    const { token, expiresAt } = tokens.issue({ threadId: 't1', name: 'Ann' })
    const byJose = await new SignJWT({ scope: 'thread', name: 'Ann' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject('t1')
      .setIssuedAt(NOW)
      .setExpirationTime(NOW + 3600)
      .sign(key)
    expect(token).toBe(byJose)
    expect(expiresAt).toEqual(new Date((NOW + 3600) * 1000))
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      currentDate: new Date(NOW * 1000),
    })
    expect(payload).toEqual({ scope: 'thread', name: 'Ann', sub: 't1', iat: NOW, exp: NOW + 3600 })
    const operator = tokens.issue({ operator: 'ops' }, 10)
    expect(tokens.verify(operator.token)).toEqual({
      scope: 'operator',
      operator: 'ops',
      session: expect.stringMatching(/^[\w-]{16}$/),
      expiresAt: new Date((NOW + 10) * 1000),
    })
  })

  it('names each operator sign-in (jti), and still takes an operator token without one', async () => {
    const tokens = tokensAt()
    const sessions = [1, 2].map(() => tokens.verify(tokens.issue({ operator: 'ops' }, 10).token))
    expect(sessions[0]).toMatchObject({ scope: 'operator', operator: 'ops' })
    expect(sessions[0]).toHaveProperty('session')
    expect(sessions[0]).not.toEqual(sessions[1])
    const { payload } = await jwtVerify(tokens.issue({ operator: 'ops' }, 10).token, key, {
      currentDate: new Date(NOW * 1000),
    })
    expect(Object.keys(payload)).toEqual(['scope', 'sub', 'iat', 'exp', 'jti'])
    const older = await new SignJWT({ scope: 'operator' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject('ops')
      .setExpirationTime(NOW + 5)
      .sign(key)
    expect(tokens.verify(older)).toEqual({
      scope: 'operator',
      operator: 'ops',
      expiresAt: new Date((NOW + 5) * 1000),
    })
  })

  it('accepts a token jose signed, with or without typ', async () => {
    for (const header of [{ alg: 'HS256' }, { alg: 'HS256', typ: 'JWT' }] satisfies JWTHeaderParameters[]) {
      const token = await new SignJWT({ scope: 'thread', name: 'Bo' })
        .setProtectedHeader(header)
        .setSubject('t2')
        .setExpirationTime(NOW + 5)
        .sign(key)
      expect(tokensAt().verify(token)).toEqual({
        scope: 'thread',
        threadId: 't2',
        name: 'Bo',
        expiresAt: new Date((NOW + 5) * 1000),
      })
    }
  })

  it('refuses a forged signature', () => {
    const { token } = tokensAt().issue({ threadId: 't1' })
    const [header, payload, signature] = token.split('.') as [string, string, string]
    expectInvalid(handSigned({ alg: 'HS256', typ: 'JWT' }, threadClaims, anotherSecret))
    // The claims of another thread under this token's signature.
    expectInvalid(`${header}.${b64(JSON.stringify({ ...threadClaims, sub: 't9' }))}.${signature}`)
    const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`
    expectInvalid(`${header}.${payload}.${flipped}`)
    expectInvalid(`${header}.${payload}.`)
    expectInvalid(`${header}.${payload}.${signature}AAAA`)
    expectInvalid(`${header}.${payload}.${signature.slice(0, -1)}`)
  })

  it('refuses alg none and every alg but HS256, and a header with crit', async () => {
    expectInvalid(`${b64('{"alg":"none"}')}.${b64(JSON.stringify(threadClaims))}.`)
    expectInvalid(handSigned({ alg: 'none' }, threadClaims))
    expectInvalid(handSigned({ alg: 'HS384' }, threadClaims))
    expectInvalid(handSigned({ typ: 'JWT' }, threadClaims))
    expectInvalid(handSigned({ alg: 'HS256', crit: ['exp'], exp: 1 }, threadClaims))
    expectInvalid(handSigned([{ alg: 'HS256' }], threadClaims))
    const hs512 = await new SignJWT(threadClaims).setProtectedHeader({ alg: 'HS512' }).sign(key)
    expectInvalid(hs512)
    // The header does not need to be the relay's own to pass: only HS256.
    expect(tokensAt().verify(handSigned({ alg: 'HS256', kid: 'k1' }, threadClaims)).scope).toBe('thread')
  })

  it('refuses malformed parts', () => {
    const { token } = tokensAt().issue({ threadId: 't1' })
    const [header, payload, signature] = token.split('.') as [string, string, string]
    for (const bad of [
      '',
      'abc',
      `${header}.${payload}`,
      `${header}.${payload}.${signature}.${signature}`,
      `.${payload}.${signature}`,
      `${header}..${signature}`,
      `${header}.${b64('not json')}.${signature}`,
    ]) {
      expectInvalid(bad)
    }
    // Signed, but the claims are not a JSON object.
    expectInvalid(handSigned({ alg: 'HS256' }, ['t1']))
    const signedText = `${header}.${b64('"t1"')}`
    expectInvalid(`${signedText}.${createHmac('sha256', secret).update(signedText).digest('base64url')}`)
  })

  it('refuses what is not base64url, or not UTF-8', () => {
    const { token } = tokensAt().issue({ threadId: 't1' })
    const [header, payload] = token.split('.') as [string, string, string]
    const signed = (h: string, p: string) =>
      `${h}.${p}.${createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url')}`
    // Base64 (not url) characters, padding, a length no encoding has, and bytes that are not UTF-8.
    expectInvalid(signed(header, payload.replace(/-|_/g, '+') + '+/'))
    expectInvalid(signed(header, `${payload}==`))
    expectInvalid(signed(header, `${payload}A`.padEnd(Math.ceil(payload.length / 4) * 4 + 1, 'A')))
    expectInvalid(signed(header, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64url')))
    expectInvalid(signed(`${header}=`, payload))
    expectInvalid(signed(header, `${payload.slice(0, -1)}ł`))
    const signature = token.split('.')[2]!
    expectInvalid(`${header}.${payload}.${signature.slice(0, -2)}+/`)
  })

  it('refuses an expired token, and one whose dates are not numbers or not yet valid', () => {
    const { token } = tokensAt(NOW - 3600).issue({ threadId: 't1' })
    // jose's rule: expired when exp <= now.
    const error = refusal(() => tokensAt().verify(token))
    expect(error.code).toBe(FlowErrorCode.unauthorized)
    expect(error.message).toMatch(EXPIRED)
    expect(tokensAt(NOW - 1).verify(token).scope).toBe('thread')
    expectInvalid(handSigned({ alg: 'HS256' }, { ...threadClaims, exp: String(NOW + 60) }))
    expectInvalid(handSigned({ alg: 'HS256' }, { ...threadClaims, iat: 'yesterday' }))
    expectInvalid(handSigned({ alg: 'HS256' }, { ...threadClaims, nbf: NOW + 5 }))
    expect(tokensAt().verify(handSigned({ alg: 'HS256' }, { ...threadClaims, nbf: NOW })).scope).toBe(
      'thread',
    )
  })

  it('refuses a valid token that does not carry the relay claims', () => {
    for (const claims of [
      { scope: 'thread', sub: 't1' },
      { scope: 'thread', exp: NOW + 60 },
      { scope: 'thread', sub: '', exp: NOW + 60 },
      { scope: 'admin', sub: 't1', exp: NOW + 60 },
    ]) {
      const error = refusal(() => tokensAt().verify(handSigned({ alg: 'HS256' }, claims)))
      expect(error.code).toBe(FlowErrorCode.unauthorized)
      expect(error.message).toBe('The token does not carry the claims of a flowchat relay token.')
    }
  })

  it('refreshes a thread token up to the grace period after it expired, not later, and never an operator token', () => {
    const { token } = tokensAt(NOW - 3600).issue({ threadId: 't1', name: 'Ann' })
    const expiredAt = NOW
    expect(refusal(() => tokensAt(expiredAt + 10).verify(token)).message).toMatch(EXPIRED)
    expect(tokensAt(expiredAt + REFRESH_GRACE_SECONDS - 1).verifyForRefresh(token)).toEqual({
      scope: 'thread',
      threadId: 't1',
      name: 'Ann',
      expiresAt: new Date(expiredAt * 1000),
    })
    const late = refusal(() => tokensAt(expiredAt + REFRESH_GRACE_SECONDS).verifyForRefresh(token))
    expect(late.code).toBe(FlowErrorCode.unauthorized)
    expect(late.message).toMatch(EXPIRED)
    const operator = tokensAt().issue({ operator: 'ops' })
    const refused = refusal(() => tokensAt().verifyForRefresh(operator.token))
    expect(refused.code).toBe(FlowErrorCode.forbidden)
  })
})
