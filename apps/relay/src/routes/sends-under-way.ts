import { randomUUID } from 'node:crypto'
import type { EventStorage } from '../storage/types.js'

/** Where a send or a page logs what the storage failed to do (a request's logger). */
interface Log {
  warn(details: { err: unknown }, message: string): void
}

/**
 * How long a send's mark lasts in the storage when nobody clears it (its relay instance died). Longer than any
 * page waits, and than a send can take (15 s with Flow.ai, then its `sent` event stored); a live send clears its
 * mark as soon as it is done.
 */
const MARK_TTL_MS = 20_000

interface SendsUnderWayOptions {
  /** How often a page waiting for sends of other instances asks the storage again. Default 25. */
  pollMs?: number
  /**
   * Longest a send waits for its mark before it goes to Flow.ai all the same: a storage that hangs slows sends by
   * no more than this (and a page elsewhere may then miss the send, as it did before marks were shared).
   * Default 250.
   */
  markWaitMs?: number
}

const defaults = { pollMs: 25, markWaitMs: 250 } satisfies Required<SendsUnderWayOptions>

/**
 * The storage's three send methods, when it has them all, each answering a promise even when a storage of one's own
 * throws instead of rejecting: a failure of the marks must never fail a send or a page.
 */
function sharedMarks(storage: EventStorage) {
  if (!storage.markSendUnderWay || !storage.clearSendUnderWay || !storage.countSendsUnderWay) return undefined
  return {
    mark: async (threadId: string, sendId: string, ttlMs: number) =>
      storage.markSendUnderWay!(threadId, sendId, ttlMs),
    clear: async (threadId: string, sendId: string) => storage.clearSendUnderWay!(threadId, sendId),
    count: async (threadId: string) => storage.countSendsUnderWay!(threadId),
  }
}

/** What `Promise.race` answers when a page's time is up. */
const timeUp = Symbol('time up')

/**
 * The sends each thread has under way, from the request to Flow.ai to its `sent` event stored (or its failure),
 * for history pages to wait for. Kept in the storage when it can (`markSendUnderWay` and the rest), so a page
 * waits for the sends of every relay instance on that storage (Redis); else (a storage without those methods)
 * only for this instance's own. This instance's sends are also followed in process: a page re-reads the storage
 * as soon as one of them is done, rather than at its next poll.
 *
 * The storage only ever helps: a mark, clear or count that fails is logged at warn and the send or page goes on
 * as without it (waiting then for this instance's sends alone).
 *
 * @example
 * const underWay = createSendsUnderWay(storage)
 * await underWay.during(threadId, () => send(), request.log)
 * await underWay.settled(threadId, 2000, request.log) // in the history route
 */
export function createSendsUnderWay(storage: EventStorage, options: SendsUnderWayOptions = {}) {
  const config = { ...defaults, ...options }
  const shared = sharedMarks(storage)
  /** This instance's sends, by thread. */
  const threads = new Map<string, Set<Promise<unknown>>>()

  /** Resolves when `work` is done, or after `ms`, whichever comes first; never rejects. */
  async function atMost(work: Promise<unknown>, ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))
    await Promise.race([work.then(noop, noop), limit])
    clearTimeout(timer)
  }

  /** Resolves when one of this instance's sends to the thread now under way is done (never, when none is). */
  function oneDone(threadId: string): Promise<void> {
    const sends = threads.get(threadId)
    return sends ? Promise.race([...sends].map((send) => send.then(noop, noop))) : new Promise(noop)
  }

  return {
    /** Runs a send, under way from before `work` starts until it settles. */
    async during<T>(threadId: string, work: () => Promise<T>, log: Log): Promise<T> {
      const sends = threads.get(threadId) ?? new Set<Promise<unknown>>()
      threads.set(threadId, sends)
      const send = (async () => {
        if (!shared) return work()
        const sendId = randomUUID()
        // Marked before Flow.ai has the message: a page that can hold its copy is read after that.
        const marking = shared
          .mark(threadId, sendId, MARK_TTL_MS)
          .catch((error: unknown) => log.warn({ err: error }, 'send under way not marked'))
        await atMost(marking, config.markWaitMs)
        try {
          return await work()
        } finally {
          // Not awaited: the answer to the send need not wait for it. A page here re-reads once the send is done,
          // after this clear (one connection keeps commands in order). After the mark has settled, never before: a
          // mark slower than `markWaitMs` (a Redis that lost its scripts answers NOSCRIPT and the mark is sent
          // again) would otherwise land after its clear and hold every page of the thread until its TTL.
          void marking
            .then(() => shared.clear(threadId, sendId))
            .catch((error: unknown) => log.warn({ err: error }, 'send under way not cleared'))
        }
      })()
      sends.add(send)
      try {
        return await send
      } finally {
        sends.delete(send)
        if (sends.size === 0) threads.delete(threadId)
      }
    },

    /**
     * Resolves once the thread has no send under way (of any instance, with shared marks; else of this one) or
     * after `limitMs`. One storage read when there is none; else one every `pollMs`, and one as soon as a send
     * of this instance is done.
     */
    async settled(threadId: string, limitMs: number, log: Log): Promise<void> {
      const mine = threads.get(threadId)
      const ownDone = mine ? Promise.allSettled([...mine]) : undefined
      if (!shared && !ownDone) return
      let timer: NodeJS.Timeout | undefined
      const limit = new Promise<typeof timeUp>((resolve) => (timer = setTimeout(resolve, limitMs, timeUp)))
      try {
        for (;;) {
          const count = shared
            ? await Promise.race([
                shared.count(threadId).catch((error: unknown) => {
                  log.warn({ err: error }, 'sends under way not read')
                  return undefined
                }),
                limit,
              ])
            : undefined
          if (count === timeUp) return
          // None under way (or the storage cannot tell): this instance's own sends may still be, unmarked.
          if (count === undefined || count === 0) {
            if (ownDone) await Promise.race([ownDone, limit])
            return
          }
          let poll: NodeJS.Timeout | undefined
          const next = new Promise<void>((resolve) => (poll = setTimeout(resolve, config.pollMs)))
          const woken = await Promise.race([next, oneDone(threadId), limit])
          clearTimeout(poll)
          if (woken === timeUp) return
        }
      } finally {
        clearTimeout(timer)
      }
    },
  }
}

function noop(): void {}
