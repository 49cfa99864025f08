import { BehaviorSubject, type SchedulerLike, type Subscription } from 'rxjs'
import { FlowError } from '../errors.js'
import { decodeTokenClaims } from './jwt.js'
import type { SessionManager, SessionStatus } from './session-manager.js'

/**
 * The session of an operator console: the operator token as given, never refreshed (the relay issues operator
 * tokens at sign-in only) and never stored. It ends `failed` with a reason when the token expires or the relay
 * refuses it, without calling the relay; `ready()` then rejects with that reason. Apart from
 * `createSessionManager` (a visitor's anonymous or thread session) so that a visitor's bundle carries none of it.
 *
 * @example
 * const session = createOperatorSession(operatorToken, scheduler)
 * await session.ready()
 */
export function createOperatorSession(token: string, scheduler: SchedulerLike): SessionManager {
  const status$ = new BehaviorSubject<SessionStatus>({ state: 'pending' })
  let timer: Subscription | undefined
  let started: Promise<Extract<SessionStatus, { state: 'ready' }>> | undefined

  const fail = (reason: string) => {
    timer?.unsubscribe()
    status$.next({ state: 'failed', reason })
  }

  const start = () => {
    const ready = { state: 'ready', token } as const
    status$.next(ready)
    const exp = decodeTokenClaims(token)?.exp
    if (exp !== undefined) {
      timer = scheduler.schedule(
        () => fail('The operator token expired. Sign in again for a new one.'),
        Math.max(0, exp - scheduler.now()),
      )
    }
    return Promise.resolve(ready)
  }

  return {
    status$,
    ready() {
      // Ended (refused or expired): every call after that fails with why, rather than going out without a token.
      const s = status$.value
      if (s.state === 'failed') return Promise.reject(new FlowError('unauthorized', s.reason))
      return (started ??= start())
    },
    token() {
      const s = status$.value
      return s.state === 'ready' ? s.token : undefined
    },
    refresh() {
      if (status$.value.state === 'ready')
        fail('The operator token was refused. Sign in again for a new one.')
      return Promise.resolve(false)
    },
    close() {
      timer?.unsubscribe()
    },
  }
}
