import { callRoute } from './relay-call.js'
import type { RelayHttp } from './relay-http.js'
import type { SessionManager } from './session-manager.js'
import type { ThreadState } from './thread-state.js'
import type { ThreadStore } from './thread-store.js'
import { loadHistory } from './visitor-routes.js'

/** Loads a thread's history pages into its store. */
export interface HistoryPager {
  /** Loads page `page` (1 is the newest). */
  load(page: number): Promise<void>
  /** Loads the next older page; nothing when every page is loaded. */
  loadOlder(): Promise<void>
  /** Reloads the newest page in the background (after a reset, or a first connection); failures are ignored. */
  refetch(): void
}

/** Whether a thread has history pages older than those loaded (unknown until the first page says how many). */
export const hasOlderPages = (s: ThreadState): boolean => s.pages === undefined || s.pagesLoaded < s.pages

/**
 * Creates the history pager of one thread over `GET /v1/threads/:id/messages?page=N`; the reducer merges each
 * page with what the stream already brought, so a page loaded twice adds nothing.
 *
 * @example
 * const pager = createHistoryPager({ store, http, session, threadId: 't1' })
 * await pager.loadOlder()
 */
export function createHistoryPager(options: {
  store: ThreadStore
  http: RelayHttp
  session: SessionManager
  threadId: string
}): HistoryPager {
  const { store, http, session, threadId } = options
  const load = async (page: number) => {
    await session.ready()
    const result = await callRoute(http, loadHistory, { params: { threadId }, query: { page } })
    store.dispatch({ type: 'history/loaded', page: result, pageNumber: page })
  }
  return {
    load,
    async loadOlder() {
      const s = store.value
      if (hasOlderPages(s)) await load(s.pagesLoaded + 1)
    },
    refetch: () => void load(1).catch(() => undefined),
  }
}
