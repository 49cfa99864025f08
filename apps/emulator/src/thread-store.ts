import type { HistoryEntry } from '@flowchat/core/schemas'

/** History entries per page, as documented. */
export const PAGE_SIZE = 20

/** What the emulator remembers of one thread. */
export interface ThreadSnapshot {
  threadId: string
  /** Oldest first. */
  history: HistoryEntry[]
  paused: boolean
  /** Epoch ms when a timed pause (handover with `secondsToPause`) ends; undefined when not timed. */
  pausedUntil: number | undefined
  /** Epoch ms of the last history entry. */
  lastActivity: number
}

interface ThreadState {
  history: HistoryEntry[]
  pause: { until: number | undefined } | undefined
  lastActivity: number
}

/** One page of something: the items and the page numbers (1-based). */
export interface Page<T> {
  items: T[]
  page: number
  pages: number
}

/** In-memory state of every thread: history, pause state and the thread list. */
export interface ThreadStore {
  append(threadId: string, entry: HistoryEntry): void
  /**
   * A page of history. Page 1 holds the newest 20 entries; each page lists its entries oldest first, so a UI
   * prepends page 2 above page 1.
   */
  historyPage(threadId: string, page: number): Page<HistoryEntry>
  /** Thread ids with history, most recently active first, 20 a page. */
  threadsPage(page: number): Page<string>
  /** Pauses the bot; `seconds` makes it a timed pause. Returns false when it already was paused the same way. */
  pause(threadId: string, seconds?: number): boolean
  /** Returns false when the thread was not paused. */
  resume(threadId: string): boolean
  isPaused(threadId: string): boolean
  snapshot(threadId: string): ThreadSnapshot | undefined
}

/**
 * Creates the store. A timed pause ends by itself when read after its end; the caller sets a timer to announce
 * the resume.
 *
 * @example
 * const store = createThreadStore()
 * store.pause('t1', 60)
 * store.isPaused('t1') // true for the next minute
 */
export function createThreadStore(now: () => number = Date.now): ThreadStore {
  const threads = new Map<string, ThreadState>()

  const state = (threadId: string): ThreadState => {
    let s = threads.get(threadId)
    if (!s) {
      s = { history: [], pause: undefined, lastActivity: 0 }
      threads.set(threadId, s)
    }
    return s
  }

  const paging = <T>(all: readonly T[], page: number, newestLast: boolean): Page<T> => {
    const pages = Math.max(1, Math.ceil(all.length / PAGE_SIZE))
    if (!newestLast) {
      return { items: all.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE), page, pages }
    }
    const end = all.length - (page - 1) * PAGE_SIZE
    return { items: end <= 0 ? [] : all.slice(Math.max(0, end - PAGE_SIZE), end), page, pages }
  }

  const activePause = (s: ThreadState | undefined) => {
    if (!s?.pause) return undefined
    if (s.pause.until !== undefined && s.pause.until <= now()) s.pause = undefined
    return s.pause
  }

  return {
    append(threadId, entry) {
      const s = state(threadId)
      s.history.push(entry)
      s.lastActivity = now()
    },
    historyPage: (threadId, page) => paging(threads.get(threadId)?.history ?? [], page, true),
    threadsPage(page) {
      const ids = [...threads]
        .filter(([, s]) => s.history.length > 0)
        .sort(([, a], [, b]) => b.lastActivity - a.lastActivity)
        .map(([id]) => id)
      return paging(ids, page, false)
    },
    pause(threadId, seconds) {
      const s = state(threadId)
      const until = seconds === undefined ? undefined : now() + seconds * 1000
      const was = activePause(s)
      s.pause = { until }
      return !(was && was.until === undefined && until === undefined)
    },
    resume(threadId) {
      const s = threads.get(threadId)
      const was = activePause(s) !== undefined
      if (s) s.pause = undefined
      return was
    },
    isPaused: (threadId) => activePause(threads.get(threadId)) !== undefined,
    snapshot(threadId) {
      const s = threads.get(threadId)
      if (!s) return undefined
      const pause = activePause(s)
      return {
        threadId,
        history: [...s.history],
        paused: pause !== undefined,
        pausedUntil: pause?.until,
        lastActivity: s.lastActivity,
      }
    },
  }
}
