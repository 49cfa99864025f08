import { Observable, type Subscription } from 'rxjs'
import type { StreamSignal } from './event-stream.js'

/** The part of the Web Locks API (`navigator.locks`) the tabs use. */
export interface TabLocks {
  request(name: string, options: { signal: AbortSignal }, callback: () => Promise<void>): Promise<unknown>
}

/** The part of `BroadcastChannel` the tabs use. */
export interface TabChannel {
  postMessage(message: unknown): void
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void
  close(): void
}

/** What tabs say on the channel: a stream signal from the leader, or a new tab asking for the connection state. */
type TabMessage = { signal: StreamSignal } | { join: true }

/**
 * One stream per browser instead of one per tab: the tabs that watch the same stream (`name`) elect a leader
 * with a Web Lock. The leader holds the only connection and relays every signal to the other tabs over a
 * `BroadcastChannel`; the others wait for the lock. When the leader tab closes, or is frozen by the browser (the
 * page lifecycle's `freeze`), its lock is released and the next tab takes over, opening its own stream from its
 * own last event id: every tab has folded in all that the leader relayed, so the hand-over resumes where the
 * old leader stopped, and the reducer drops anything seen twice. A tab joining late asks for the connection state
 * and so learns the stream is open (and loads history). Sends do not go through here: each tab sends on its own.
 *
 * @example
 * const share = shareStreamAcrossTabs({ name: `flowchat:stream:${url}`, locks: navigator.locks, channel: (n) => new BroadcastChannel(n) })
 * const signals$ = share(() => createEventStream(options))
 */
export function shareStreamAcrossTabs(options: {
  name: string
  locks: TabLocks
  channel: (name: string) => TabChannel
  /** Where the page lifecycle's `freeze` event fires; default `globalThis.document`. */
  lifecycle?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'> | undefined
}): (open: () => Observable<StreamSignal>) => Observable<StreamSignal> {
  const { name, locks } = options
  const lifecycle =
    'lifecycle' in options
      ? options.lifecycle
      : (globalThis as { document?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'> }).document
  return (open) =>
    new Observable<StreamSignal>((subscriber) => {
      const channel = options.channel(name)
      let closed = false
      let leading: Subscription | undefined
      let lastConnection: StreamSignal | undefined
      let abort = new AbortController()
      let stepDown = () => undefined as void

      channel.addEventListener('message', (event) => {
        const message = event.data as TabMessage
        if (leading) {
          if ('join' in message && lastConnection) channel.postMessage({ signal: lastConnection })
        } else if ('signal' in message) {
          subscriber.next(message.signal)
        }
      })

      const lead = () =>
        new Promise<void>((release) => {
          if (closed) return release()
          stepDown = () => {
            leading?.unsubscribe()
            leading = undefined
            lastConnection = undefined
            release()
          }
          leading = open().subscribe({
            next(signal) {
              if (signal.type === 'connection') lastConnection = signal
              channel.postMessage({ signal } satisfies TabMessage)
              subscriber.next(signal)
            },
            error: (error: unknown) => subscriber.error(error),
          })
        })

      const follow = () => {
        abort = new AbortController()
        // Rejects with an AbortError when this tab stops watching before it led: nothing to do then.
        locks.request(name, { signal: abort.signal }, lead).catch(() => undefined)
      }

      // A frozen leader would hold the lock while relaying nothing: it hands over and queues up again.
      const onFreeze = () => {
        if (!leading) return
        stepDown()
        follow()
      }
      lifecycle?.addEventListener('freeze', onFreeze)
      subscriber.next({ type: 'connection', connection: { state: 'connecting' } })
      channel.postMessage({ join: true } satisfies TabMessage)
      follow()

      return () => {
        closed = true
        lifecycle?.removeEventListener('freeze', onFreeze)
        abort.abort()
        stepDown()
        channel.close()
      }
    })
}
