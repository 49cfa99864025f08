import type { SchedulerLike, Subscription } from 'rxjs'
import { toFlowError } from '../errors.js'
import { backoffDelay, type BackoffOptions } from '../retry/backoff.js'
import { isTransientFailure } from '../retry/transient.js'
import { pendingMessage } from './build-send.js'
import type { DeliverSend, HeldFile } from './deliver-send.js'
import { fileNameOf } from './post-message.js'
import type { Outbox, OutboxItem } from './outbox.js'
import type { SessionManager } from './session-manager.js'
import type { ThreadStore } from './thread-store.js'
import { templatesOfPayload } from './to-chat-messages.js'
import type { Sender } from './types.js'

/** How long a tab holds an outbox item while sending it; a tab that dies lets others send it after this. */
const LEASE_MS = 30_000

/** What a page shows for an upload whose file went away with the page that held it. */
export const LOST_UPLOAD =
  'upload_lost: the file was held by a page that closed or reloaded before it could be sent; attach it again.'

/** The delivery side of a thread: its outbox, leases, retries with back-off, and the files of uploads. */
export interface SendQueue {
  /** Queues a built send (already shown as `pending`); with a file, the file is held in memory until sent. */
  enqueue(traceId: string, body: Record<string, unknown>, file?: HeldFile): void
  /** Queues a failed send of this page again; false when this page holds nothing for it. */
  retry(traceId: string): boolean
  /** Sends what waits, oldest first, stopping at the first that must wait (order is kept). */
  flush(): void
  /** How many sends this page holds a body or file for: sent ones are released at once. */
  readonly held: number
  close(): void
}

/**
 * Creates a thread's send queue, the effectful twin of the pure reducer (as TanStack Query keeps `retryer.ts`
 * apart from `query.ts`). Text sends live in the shared outbox (storage), so they survive a reload and tabs send
 * each once by leasing; an upload goes in the same outbox, in the same order, while its file stays in this page's
 * memory: its lease is renewed as long as the page lives, so it waits offline like text, and a later page that
 * finds it unleased marks it failed with `LOST_UPLOAD` instead of leaving it pending forever. A failure that may
 * pass (`isTransientFailure`) keeps the send queued and retries after a back-off; any other fails it. A 401 first
 * refreshes the session. The body and file of a send are released as soon as it is accepted.
 *
 * @example
 * const queue = createSendQueue({ store, outbox, deliver, session, scheduler, online, self: 'visitor' })
 * queue.enqueue(traceId, body)
 */
export function createSendQueue(options: {
  store: ThreadStore
  outbox: Outbox
  deliver: DeliverSend
  session: SessionManager
  scheduler: SchedulerLike
  /** Whether the network is up now (the client's online subject). */
  online: { readonly value: boolean }
  self: Sender
  backoff?: BackoffOptions
}): SendQueue {
  const { store, outbox, scheduler, session } = options
  /** Bodies and files of this page's sends, kept to retry after a final failure and released once accepted. */
  const held = new Map<string, { body: Record<string, unknown>; file?: HeldFile }>()
  const inFlight = new Set<string>()
  let flushing: Promise<void> = Promise.resolve()
  let retryTimer: Subscription | undefined
  let renewTimer: Subscription | undefined
  let retryAttempt = 0
  let closed = false

  const countQueued = () =>
    store.dispatch({
      type: 'outbox/changed',
      count: outbox.list().filter((i) => !inFlight.has(i.traceId)).length,
    })
  const fail = (traceId: string, error: string) => store.dispatch({ type: 'send/failed', traceId, error })
  const heldUploads = () => new Set([...held].filter(([, h]) => h.file).map(([traceId]) => traceId))

  /** Keeps this page's waiting uploads leased while it lives, so no other page takes their files for lost. */
  const renewUploads = () => {
    const mine = heldUploads()
    const waiting = outbox.list().some((i) => mine.has(i.traceId))
    if (!waiting || closed) {
      renewTimer?.unsubscribe()
      renewTimer = undefined
      return
    }
    outbox.renew(mine, LEASE_MS)
    if (!renewTimer) {
      renewTimer = scheduler.schedule(function () {
        renewTimer = undefined
        renewUploads()
      }, LEASE_MS / 2)
    }
  }

  const settle = (traceId: string) => {
    outbox.remove(traceId)
    held.delete(traceId)
  }

  // Sends left in storage by an earlier page load show up as pending and go out when the connection returns.
  for (const item of outbox.list()) {
    if (item.upload && !outbox.claim(item.traceId, 0)) {
      // Another live page holds this file: show it pending; its echo will settle it here too.
    } else if (item.upload) {
      outbox.remove(item.traceId)
    } else {
      held.set(item.traceId, { body: item.body })
    }
    store.dispatch({
      type: 'send/queued',
      message: pendingMessage(item.traceId, options.self, item.queuedAt, templatesOfPayload(item.body)),
    })
    if (item.upload && outbox.list().every((i) => i.traceId !== item.traceId)) fail(item.traceId, LOST_UPLOAD)
  }
  countQueued()

  const scheduleRetry = () => {
    retryTimer?.unsubscribe()
    retryAttempt++
    retryTimer = scheduler.schedule(() => flush(), backoffDelay(retryAttempt, options.backoff))
  }

  /** Sends one outbox item; false when it should be tried again later (and the flush stops, keeping order). */
  const deliver = async (item: OutboxItem): Promise<boolean> => {
    // The relay's echo (or a bot answer) already proved it arrived, say when its 202 was lost: never send twice.
    const known = store.value.messages.find((m) => m.id === item.traceId)
    if (known?.state === 'sent' || known?.state === 'delivered') {
      settle(item.traceId)
      countQueued()
      return true
    }
    if (!options.online.value) return false
    if (!outbox.claim(item.traceId, LEASE_MS)) return true
    const file = held.get(item.traceId)?.file
    if (item.upload && !file) {
      // Unleased and not ours: the page that held the file is gone.
      settle(item.traceId)
      countQueued()
      fail(item.traceId, LOST_UPLOAD)
      return true
    }
    inFlight.add(item.traceId)
    countQueued()
    store.dispatch({ type: 'send/started', traceId: item.traceId })
    try {
      await options.deliver({ ...item, file }, (progress) =>
        store.dispatch({ type: 'send/progress', traceId: item.traceId, progress }),
      )
      settle(item.traceId)
      store.dispatch({ type: 'send/accepted', traceId: item.traceId })
      retryAttempt = 0
      return true
    } catch (error) {
      const err = toFlowError(error)
      if (err.code === 'unauthorized' && (await session.refresh())) {
        outbox.release(item.traceId)
        return false
      }
      if (isTransientFailure(err)) {
        outbox.release(item.traceId)
        return false
      }
      // Kept in `held` so that `retry` can send it again; the outbox no longer has it.
      outbox.remove(item.traceId)
      fail(item.traceId, `${err.code}: ${err.message}`)
      return true
    } finally {
      inFlight.delete(item.traceId)
      countQueued()
      renewUploads()
    }
  }

  function flush(): void {
    flushing = flushing.then(async () => {
      for (const item of outbox.list()) {
        if (closed) return
        if (!(await deliver(item))) {
          if (options.online.value) scheduleRetry()
          break
        }
      }
    })
  }

  const start = (traceId: string) => {
    const send = held.get(traceId)
    // A closed queue takes nothing: not even into storage, for a later page to send unasked.
    if (!send || closed) return false
    outbox.add({
      traceId,
      body: send.body,
      queuedAt: scheduler.now(),
      // Undefined for a text send: JSON leaves it out.
      upload: send.file && {
        filename: send.file.filename ?? fileNameOf(send.file.file),
        size: send.file.file.size,
      },
    })
    if (send.file) outbox.claim(traceId, LEASE_MS)
    renewUploads()
    countQueued()
    flush()
    return true
  }

  return {
    enqueue(traceId, body, file) {
      held.set(traceId, { body, file })
      start(traceId)
    },
    retry: start,
    flush,
    get held() {
      return held.size
    },
    close() {
      closed = true
      retryTimer?.unsubscribe()
      renewTimer?.unsubscribe()
      held.clear()
    },
  }
}
