import { toEpochMs } from '@flowchat/core/schemas'
import type { HistoryPage } from '@flowchat/core'

/** One labelled event send: what the visitor clicked, and when the relay passed it to Flow.ai (epoch ms). */
export interface EventLabel {
  readonly eventName: string
  readonly label: string
  readonly at: number
}

export interface EventLabelsOptions {
  /** Labels kept per thread (the newest). Default 200. */
  perThread?: number
  /** Threads kept (the most recently sent to). Default 10,000. */
  threads?: number
  /** A label older than this is forgotten. Default 24 h. */
  maxAgeMs?: number
  /** How far a history message's time may be from the send's for the label to apply. Default 2 min. */
  skewMs?: number
  now?: () => number
}

/** The labels a relay remembers, and how it puts them back on a history page. */
export interface EventLabels {
  remember(threadId: string, entry: EventLabel): void
  /** The page with `payload.label` set on each visitor event response that matches a remembered send. */
  restore(threadId: string, page: HistoryPage): HistoryPage
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Flow.ai's history keeps an event's name, not the label of the button the visitor clicked. The relay remembers
 * each labelled event send (bounded: per thread, threads, age) and, on a history page, matches a visitor's event
 * response by event name and the nearest time within `skewMs`. A history message it cannot match keeps its
 * event name, which the transcript then shows: never an empty bubble. Memory of one relay process: a send
 * through another instance, or before a restart, shows its event name after a reload.
 *
 * @example
 * const labels = createEventLabels()
 * labels.remember('t1', { eventName: 'MENU', label: 'Show the menu', at: Date.now() })
 * labels.restore('t1', page)
 */
export function createEventLabels(options: EventLabelsOptions = {}): EventLabels {
  const perThread = options.perThread ?? 200
  const maxThreads = options.threads ?? 10_000
  const maxAgeMs = options.maxAgeMs ?? 24 * 60 * 60 * 1000
  const skewMs = options.skewMs ?? 2 * 60 * 1000
  const now = options.now ?? Date.now
  const threads = new Map<string, EventLabel[]>()

  const fresh = (threadId: string): EventLabel[] | undefined => {
    const list = threads.get(threadId)
    if (!list) return undefined
    const cutoff = now() - maxAgeMs
    const kept = list.filter((entry) => entry.at >= cutoff)
    if (kept.length === 0) threads.delete(threadId)
    else if (kept.length !== list.length) threads.set(threadId, kept)
    return kept.length === 0 ? undefined : kept
  }

  const match = (list: readonly EventLabel[], eventName: string, at: number | undefined) => {
    let best: EventLabel | undefined
    let distance = Infinity
    for (const entry of list) {
      if (entry.eventName !== eventName) continue
      // Without a time, only an unambiguous send matches.
      const d = at === undefined ? 0 : Math.abs(entry.at - at)
      if (at === undefined && best) return undefined
      if (d <= skewMs && d < distance) [best, distance] = [entry, d]
    }
    return best
  }

  return {
    remember(threadId, entry) {
      const list = threads.get(threadId) ?? []
      threads.delete(threadId)
      list.push(entry)
      if (list.length > perThread) list.splice(0, list.length - perThread)
      threads.set(threadId, list)
      if (threads.size > maxThreads) threads.delete(threads.keys().next().value as string)
    },

    restore(threadId, page) {
      const list = fresh(threadId)
      if (!list) return page
      const history = page.history.map((entry) => {
        // The visitor's roles, as core's `senderOf` reads them: an agent's or the bot's event keeps its name.
        const role = entry.originator?.role
        if (role !== 'user' && role !== 'external' && role !== 'visitor') return entry
        const messages = entry.messages.map((message) => {
          const at = toEpochMs(message.meta?.createdAt) ?? toEpochMs(message.createdAt)
          const responses = message.responses.map((response) => {
            const payload = response.payload
            if (response.type !== 'event' || !isRecord(payload) || typeof payload.eventName !== 'string') {
              return response
            }
            if (payload.label !== undefined) return response
            const found = match(list, payload.eventName, at)
            return found ? { ...response, payload: { ...payload, label: found.label } } : response
          })
          return { ...message, responses }
        })
        return { ...entry, messages }
      })
      return { ...page, history }
    },
  }
}
