/**
 * Test doubles for the client's unit tests (not exported from the package): a scriptable EventSource, a virtual
 * clock helper, a session stub and unsigned JWTs.
 */
import { BehaviorSubject, type VirtualTimeScheduler } from 'rxjs'
import type { SessionManager, SessionStatus } from './session-manager.js'

/** An EventSource the test drives: `open()`, `emit()`, `fail(code)`; every instance is recorded. */
export class FakeEventSource extends EventTarget {
  static instances: FakeEventSource[] = []
  static reset(): void {
    FakeEventSource.instances = []
  }
  static last(): FakeEventSource {
    const last = FakeEventSource.instances.at(-1)
    if (!last) throw new Error('no EventSource was created')
    return last
  }
  readonly url: string
  readonly init: { fetch?: typeof fetch } | undefined
  closed = false
  constructor(url: string, init?: { fetch?: typeof fetch }) {
    super()
    this.url = url
    this.init = init
    FakeEventSource.instances.push(this)
  }
  close(): void {
    this.closed = true
  }
  open(): void {
    this.dispatchEvent(new Event('open'))
  }
  emit(name: string, data: unknown): void {
    this.dispatchEvent(new MessageEvent(name, { data: JSON.stringify(data) }))
  }
  fail(code?: number): void {
    const event = new Event('error') as Event & { code?: number }
    if (code !== undefined) event.code = code
    this.dispatchEvent(event)
  }
}

/** Lets promise callbacks (and what they schedule) run. */
export const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve))
}

/** Moves a virtual clock forward by `ms`, running every action due, then lets promises settle. */
export async function advance(scheduler: VirtualTimeScheduler, ms: number): Promise<void> {
  const target = scheduler.frame + ms
  for (;;) {
    scheduler.maxFrames = target
    scheduler.flush()
    await settle()
    const next = (scheduler.actions[0] as { delay: number } | undefined)?.delay
    if (next === undefined || next > target) break
  }
  scheduler.frame = target
}

/** A session that is ready with `token`; `refresh` answers what the test says. */
export function stubSession(token = 'tok', refresh: () => Promise<boolean> = () => Promise.resolve(true)) {
  const status$ = new BehaviorSubject<SessionStatus>({
    state: 'ready',
    token,
    threadId: 't1',
  })
  const session: SessionManager & { refreshes: number } = {
    refreshes: 0,
    status$,
    ready: () =>
      status$.value.state === 'ready'
        ? Promise.resolve(status$.value)
        : Promise.reject(new Error(status$.value.state === 'failed' ? status$.value.reason : 'pending')),
    token: () => (status$.value.state === 'ready' ? status$.value.token : undefined),
    refresh: () => {
      session.refreshes++
      return refresh()
    },
    close: () => undefined,
  }
  return session
}

/** An unsigned JWT with the given claims (seconds), enough for the client, which never verifies. */
export function fakeJwt(claims: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
  return `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(claims)}.sig`
}

/**
 * Deterministic pseudo-random numbers in [0, 1) (mulberry32), so a seeded test's failure repeats.
 *
 * @example
 * const next = seededRandom(42)
 */
export function seededRandom(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
