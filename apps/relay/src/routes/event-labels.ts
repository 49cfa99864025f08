import { toEpochMs } from '@flowchat/core/schemas'
import { parseEventId } from '@flowchat/core/protocol'
import type { HistoryPage } from '@flowchat/core'
import type { EventEnvelope, EventStorage } from '../storage/types.js'

/** One labelled event send: what the visitor clicked, and when the storage stored its `sent` event (epoch ms). */
interface EventLabel {
  readonly eventName: string
  readonly label: string
  readonly at: number
}

export interface EventLabelsOptions {
  /** How far a history message's time may be from the send's for the label to apply. Default 2 min. */
  skewMs?: number
  /**
   * Most stored events one history page reads, shared by its time windows (at least one each). Default 500:
   * measured on Redis with 20,000 events in a thread, all within the window, a restore costs the relay 4–6 ms
   * of CPU, where reading the whole thread costs 190–240 ms; a window of an ordinary thread holds tens of events.
   */
  readLimit?: number
}

/** Puts the labels of a thread's event sends back on a history page. */
export interface EventLabels {
  /**
   * The page with `payload.label` set on each visitor event response that matches a stored send; the page
   * itself when none can. Rejects when the storage cannot be read.
   */
  restore(threadId: string, page: HistoryPage): Promise<HistoryPage>
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * The `sent` body with an event's label on its payload, where readers (`messageFromSent`, `restore`) look for it.
 *
 * @example
 * withLabel({ type: 'event', payload: { eventName: 'MENU' } }, 'Show the menu')
 * // { type: 'event', payload: { eventName: 'MENU', label: 'Show the menu' } }
 */
export function withLabel(body: unknown, label: string | undefined): unknown {
  if (label === undefined || !isRecord(body) || !isRecord(body.payload)) return body
  return { ...body, payload: { ...body.payload, label } }
}

/** The label a visitor's `sent` event carries, with its event name and the time of its id. */
function labelOf(event: EventEnvelope): EventLabel | undefined {
  if (event.kind !== 'sent' || event.source !== 'visitor' || !isRecord(event.body)) return undefined
  const payload = event.body.payload
  const time = parseEventId(event.id)?.ms
  if (!isRecord(payload) || time === undefined) return undefined
  const { eventName, label } = payload
  if (typeof eventName !== 'string' || typeof label !== 'string') return undefined
  return { eventName, label, at: Number(time) }
}

type HistoryMessage = HistoryPage['history'][number]['messages'][number]

/** A visitor's event response on a history page that has no label yet, and its message's time. */
interface Unlabelled {
  readonly payload: Record<string, unknown>
  readonly eventName: string
  readonly at: number
}

/** When a history message was created (epoch ms), as core's `messagesFromHistory` reads it. */
const timeOf = (message: HistoryMessage) => toEpochMs(message.meta?.createdAt) ?? toEpochMs(message.createdAt)

/** The visitor's event response without a label, when `response` is one (else undefined). */
function unlabelled(
  role: string | undefined,
  at: number | undefined,
  response: unknown,
): Unlabelled | undefined {
  // The visitor's roles, as core's `senderOf` reads them: an agent's or the bot's event keeps its name.
  if (role !== 'user' && role !== 'external' && role !== 'visitor') return undefined
  if (at === undefined || !isRecord(response) || response.type !== 'event') return undefined
  const payload = response.payload
  if (!isRecord(payload) || typeof payload.eventName !== 'string' || payload.label !== undefined)
    return undefined
  return { payload, eventName: payload.eventName, at }
}

/** Every unlabelled visitor event response of a page, in page order. */
function unlabelledOf(page: HistoryPage): Unlabelled[] {
  const found: Unlabelled[] = []
  for (const entry of page.history) {
    for (const message of entry.messages) {
      const at = timeOf(message)
      for (const response of message.responses) {
        const wanted = unlabelled(entry.originator?.role, at, response)
        if (wanted) found.push(wanted)
      }
    }
  }
  return found
}

/** The times within `skewMs` of any of `times`, as few disjoint `[from, to]` windows, oldest first. */
function windowsAround(times: readonly number[], skewMs: number): Array<[from: number, to: number]> {
  const windows: Array<[number, number]> = []
  for (const at of [...times].sort((a, b) => a - b)) {
    const last = windows.at(-1)
    if (last && at - skewMs <= last[1]) last[1] = at + skewMs
    else windows.push([at - skewMs, at + skewMs])
  }
  return windows
}

/**
 * Flow.ai's history keeps an event's name, not the label of the button the visitor clicked; the relay's storage
 * keeps it on the send's `sent` event. For a history page, `restore` reads the thread's stored events around the
 * times of the page's unlabelled visitor event messages (within `skewMs` of one, at most `readLimit` events in
 * all) and gives each the label of the visitor send with the same event name nearest in time within `skewMs`.
 * A page without such a message reads nothing. What the storage holds, every relay instance on it reads: with
 * Redis, another instance or a restarted one restores the same labels; the memory storage holds only its own
 * process's sends, and loses them on restart. A message without a time, or whose send the storage no longer
 * retains (past its count or age) or that lies past `readLimit`, keeps its event name, which the transcript
 * then shows: never an empty bubble.
 *
 * @example
 * const labels = createEventLabels(storage)
 * const page = await labels.restore(threadId, await rest.getHistory(threadId, 1))
 */
export function createEventLabels(
  storage: Pick<EventStorage, 'readThreadRange'>,
  options: EventLabelsOptions = {},
): EventLabels {
  const skewMs = options.skewMs ?? 2 * 60 * 1000
  const readLimit = options.readLimit ?? 500

  /** The one matching rule: the same event name, the nearest time, at most `skewMs` away. */
  const match = (sends: readonly EventLabel[], wanted: Unlabelled): EventLabel | undefined => {
    let best: EventLabel | undefined
    let distance = Infinity
    for (const send of sends) {
      const d = Math.abs(send.at - wanted.at)
      if (send.eventName === wanted.eventName && d <= skewMs && d < distance) [best, distance] = [send, d]
    }
    return best
  }

  /** The labelled visitor sends stored within the windows. */
  async function sendsAround(threadId: string, wanted: readonly Unlabelled[]): Promise<EventLabel[]> {
    const windows = windowsAround(
      wanted.map((w) => w.at),
      skewMs,
    )
    const share = Math.max(1, Math.floor(readLimit / windows.length))
    const read = await Promise.all(
      windows.map(([from, to]) => storage.readThreadRange(threadId, from, to, share)),
    )
    return read.flat().flatMap((event) => labelOf(event) ?? [])
  }

  return {
    async restore(threadId, page) {
      const wanted = unlabelledOf(page)
      if (wanted.length === 0) return page
      const sends = await sendsAround(threadId, wanted)
      if (sends.length === 0) return page
      const history = page.history.map((entry) => ({
        ...entry,
        messages: entry.messages.map((message) => {
          const at = timeOf(message)
          const responses = message.responses.map((response) => {
            const target = unlabelled(entry.originator?.role, at, response)
            const found = target && match(sends, target)
            return found ? { ...response, payload: { ...target.payload, label: found.label } } : response
          })
          return { ...message, responses }
        }),
      }))
      return { ...page, history }
    },
  }
}
