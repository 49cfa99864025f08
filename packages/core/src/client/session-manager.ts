import { BehaviorSubject, type SchedulerLike, type Subscription } from 'rxjs'
import { FlowError, toFlowError } from '../errors.js'
import { isTransientFailure } from '../retry/transient.js'
import type { Session } from '../protocol/index.js'
import { callRoute } from './relay-call.js'
import { readSession } from './relay-readers.js'
import { createSession } from './visitor-routes.js'
import { decodeTokenClaims, refreshAt } from './jwt.js'
import { readJson, writeJson } from './memory-storage.js'
import type { RelayHttp } from './relay-http.js'
import type { FlowChatOptions, KeyValueStorage } from './types.js'

export type SessionStatus =
  | { state: 'pending' }
  | { state: 'ready'; token: string; threadId?: string }
  | { state: 'failed'; reason: string }

export interface SessionManager {
  /** The current status; `failed` is final. */
  readonly status$: BehaviorSubject<SessionStatus>
  /** Starts the session once (creating an anonymous one when needed) and resolves when it is usable. */
  ready(): Promise<Extract<SessionStatus, { state: 'ready' }>>
  /** The current token, if any. */
  token(): string | undefined
  /** Refreshes now (after a 401). False when the session is over for good. */
  refresh(): Promise<boolean>
  close(): void
}

/** A refusal of the token: the session is over, retrying will not help. */
const refused = (err: FlowError) => err.code === 'unauthorized' || err.code === 'forbidden'

/** How long a failed refresh (network, 5xx) waits before trying again, at most. */
const REFRESH_RETRY_MS = 30_000

export interface SessionManagerOptions {
  session: NonNullable<FlowChatOptions['session']>
  visitorName?: string
  http: RelayHttp
  storage: KeyValueStorage
  storageKey: string
  scheduler: SchedulerLike
}

/**
 * Holds the session token: creates an anonymous session (kept in storage so a reload continues the thread),
 * refreshes the token at 80% of its life through `POST /v1/sessions`, and ends in `failed` with a reason when
 * the relay refuses a refresh (no retry loop); `ready()` then rejects with that reason. An operator's token is
 * `createOperatorSession`'s.
 *
 * @example
 * const session = createSessionManager({ session: { anonymous: true }, http, storage, storageKey, scheduler })
 * const { threadId } = await session.ready()
 */
export function createSessionManager(options: SessionManagerOptions): SessionManager {
  const { http, storage, storageKey, scheduler } = options
  const status$ = new BehaviorSubject<SessionStatus>({ state: 'pending' })
  let timer: Subscription | undefined
  let starting: Promise<void> | undefined
  let refreshing: Promise<boolean> | undefined
  let closed = false

  const fail = (reason: string) => {
    timer?.unsubscribe()
    status$.next({ state: 'failed', reason })
  }

  const adopt = (token: string, threadId: string | undefined) => {
    status$.next({ state: 'ready', token, threadId })
    timer?.unsubscribe()
    const now = scheduler.now()
    const at = refreshAt(decodeTokenClaims(token), now)
    if (at !== undefined) timer = scheduler.schedule(() => void refresh(), Math.max(0, at - now))
  }

  /** Keeps an anonymous session for a reload (undefined: forgets it). */
  const store = (s: Session | undefined) => {
    if ('anonymous' in options.session) writeJson(storage, storageKey, s)
  }

  /** A stored session renewed with its `token`, or a new anonymous one (`token` null); stored. */
  const fetchSession = async (token: string | null): Promise<Session> => {
    const s = await callRoute(
      http,
      createSession,
      { body: token === null && options.visitorName ? { name: options.visitorName } : {} },
      { token },
    )
    store(s)
    return s
  }

  const doRefresh = async (): Promise<boolean> => {
    const current = status$.value
    if (current.state !== 'ready' || closed) return current.state === 'ready'
    try {
      const s = await callRoute(http, createSession, { body: {} }, { token: current.token })
      if (current.threadId !== undefined && s.threadId !== current.threadId) {
        fail(`The relay refreshed the session into another thread (${s.threadId}); start a new session.`)
        return false
      }
      store(s)
      if (!closed) adopt(s.token, s.threadId)
      return true
    } catch (error) {
      const err = toFlowError(error)
      if (refused(err)) {
        store(undefined)
        fail(`The session can no longer be refreshed (${err.message}). Start a new session.`)
        return false
      }
      // A network or server hiccup: the token is still good for a while, try again soon.
      const claims = decodeTokenClaims(current.token)
      const left = claims?.exp === undefined ? REFRESH_RETRY_MS : claims.exp - scheduler.now()
      timer?.unsubscribe()
      timer = scheduler.schedule(
        () => void refresh(),
        left <= 0 ? REFRESH_RETRY_MS : Math.max(1000, Math.min(REFRESH_RETRY_MS, left / 2)),
      )
      return true
    }
  }

  const refresh = (): Promise<boolean> => {
    refreshing ??= doRefresh().finally(() => (refreshing = undefined))
    return refreshing
  }

  const start = async (): Promise<void> => {
    const given = options.session
    if ('token' in given) adopt(given.token, given.threadId)
    else {
      let s = readSession(readJson(storage, storageKey))
      const at = s && refreshAt(decodeTokenClaims(s.token), scheduler.now())
      if (s && at !== undefined && at <= scheduler.now()) {
        s = await fetchSession(s.token).catch((error: unknown) => {
          const err = toFlowError(error)
          if (!refused(err)) throw err
          // The stored thread is past its refresh grace: a new visitor session is the only way on.
          return undefined
        })
      }
      s ??= await fetchSession(null)
      adopt(s.token, s.threadId)
    }
  }

  /**
   * The session now, or why there is none: once it has ended (a refresh refused), the reason it failed. Asked once
   * started, when it is never `pending`.
   */
  const current = () => {
    const s = status$.value
    if (s.state === 'failed') throw new FlowError('unauthorized', s.reason)
    return s as Extract<SessionStatus, { state: 'ready' }>
  }

  return {
    status$,
    ready() {
      starting ??= start().catch((error: unknown) => {
        const err = toFlowError(error)
        // A failure that may pass (no answer, a timeout, 429, 5xx: the one rule of the outbox and the REST client)
        // lets the next call try again. Any other answer, a refusal, is final.
        if (isTransientFailure(err)) starting = undefined
        else fail(`Could not start a session: ${err.message}`)
        throw err
      })
      // Read once started, not kept from the start: a session that ended since fails every call with why,
      // rather than letting it go out without a token and come back as the relay's 'A token is required'.
      return starting.then(current)
    },
    token() {
      const s = status$.value
      return s.state === 'ready' ? s.token : undefined
    },
    refresh,
    close() {
      closed = true
      timer?.unsubscribe()
    },
  }
}
