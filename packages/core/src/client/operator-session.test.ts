import { VirtualTimeScheduler } from 'rxjs'
import { describe, expect, it } from 'vitest'
import { createOperatorSession } from './operator-session.js'
import { advance, fakeJwt } from './test-doubles.js'

describe('createOperatorSession', () => {
  it('uses the token as given and ends, with a reason, when it expires', async () => {
    const scheduler = new VirtualTimeScheduler()
    const token = fakeJwt({ iat: 0, exp: 60, scope: 'operator' })
    const session = createOperatorSession(token, scheduler)
    expect(session.status$.value).toEqual({ state: 'pending' })
    expect(session.token()).toBeUndefined()
    await expect(session.ready()).resolves.toEqual({ state: 'ready', token })
    expect(session.token()).toBe(token)
    await advance(scheduler, 59_999)
    expect(session.status$.value.state).toBe('ready')
    await advance(scheduler, 1)
    expect(session.status$.value).toEqual({
      state: 'failed',
      reason: 'The operator token expired. Sign in again for a new one.',
    })
    expect(session.token()).toBeUndefined()
  })

  it('cannot be refreshed: a refused token ends it (once ready), and a token without exp never expires', async () => {
    const scheduler = new VirtualTimeScheduler()
    const session = createOperatorSession(fakeJwt({ scope: 'operator' }), scheduler)
    await expect(session.refresh()).resolves.toBe(false)
    expect(session.status$.value.state).toBe('pending')
    await session.ready()
    await advance(scheduler, 1e9)
    expect(session.status$.value.state).toBe('ready')
    await expect(session.refresh()).resolves.toBe(false)
    expect(session.status$.value).toEqual({
      state: 'failed',
      reason: 'The operator token was refused. Sign in again for a new one.',
    })
    session.close()
  })

  it('once it has ended, ready() rejects with the reason instead of resolving with no token', async () => {
    const scheduler = new VirtualTimeScheduler()
    const refused = createOperatorSession(fakeJwt({ iat: 0, exp: 60, scope: 'operator' }), scheduler)
    await refused.ready()
    await refused.refresh()
    await expect(refused.ready()).rejects.toMatchObject({
      name: 'FlowError',
      code: 'unauthorized',
      message: 'The operator token was refused. Sign in again for a new one.',
    })
    const expired = createOperatorSession(fakeJwt({ iat: 0, exp: 60, scope: 'operator' }), scheduler)
    await expired.ready()
    await advance(scheduler, 60_000)
    await expect(expired.ready()).rejects.toMatchObject({
      code: 'unauthorized',
      message: 'The operator token expired. Sign in again for a new one.',
    })
  })
})
