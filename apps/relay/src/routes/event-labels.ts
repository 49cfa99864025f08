import { toEpochMs } from '@flowchat/core/schemas'
import { compareEventIds, parseEventId } from '@flowchat/core/protocol'
import type { HistoryPage } from '@flowchat/core'
import type { EventEnvelope, EventStorage } from '../storage/types.js'

/** A visitor's stored send: what it said, its traceId and label, and when the storage stored it (epoch ms). */
interface StoredSend {
  readonly id: string
  readonly key: string
  readonly traceId: string
  readonly label?: string
  readonly at: number
}

export interface EventLabelsOptions {
  /** How far a history message's time may be from the send's for the two to match. Default 2 min. */
  skewMs?: number
  /**
   * Most stored events one history page reads, shared by its windows (at least one each; a busy window reads its
   * share twice, see `sendsAround`). Default 500: measured on
   * Redis with 20,000 events in a thread, all within the window, a restore costs the relay 4–6 ms of CPU, where
   * reading the whole thread costs 190–240 ms; a window of an ordinary thread holds tens of events.
   */
  readLimit?: number
}

/** Puts what the relay knows of a thread's visitor sends back on a history page. */
export interface EventLabels {
  /**
   * The page with `meta.traceId` set on each visitor message matched to a stored send (and `payload.label` on an
   * event's response) and removed from every other message, the page itself when nothing changes. Rejects when
   * the storage cannot be read.
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

type HistoryMessage = HistoryPage['history'][number]['messages'][number]

/** A string, or a number as a string. */
const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined)

/**
 * What a visitor's message says, the same for the payload of its `sent` event (Flow.ai's wire format) and its
 * response in Flow.ai's history: text, event name, place or media URL. Undefined for what has none (an upload,
 * whose URL only Flow.ai knows).
 *
 * @example
 * contentKey('text', { speech: 'hi' }) === contentKey('text', { text: 'hi' }) // true
 */
function contentKey(type: unknown, payload: Record<string, unknown>): string | undefined {
  if (type === 'text') {
    const said = text(payload.speech ?? payload.text)
    return said === undefined ? undefined : `t:${said}`
  }
  if (type === 'event') return typeof payload.eventName === 'string' ? `e:${payload.eventName}` : undefined
  if (type === 'location') {
    const [lat, long] = [text(payload.lat), text(payload.long)]
    return lat === undefined || long === undefined ? undefined : `l:${lat},${long}`
  }
  return typeof payload.url === 'string' && payload.url !== '' ? `u:${payload.url}` : undefined
}

/** A visitor's `sent` event as a send a history message can match: it says something and names its traceId. */
function sendOf(event: EventEnvelope): StoredSend | undefined {
  if (event.kind !== 'sent' || event.source !== 'visitor' || !isRecord(event.body)) return undefined
  const payload = event.body.payload
  const at = parseEventId(event.id)?.ms
  if (!isRecord(payload) || at === undefined) return undefined
  const key = contentKey(payload.type, payload)
  const traceId = text(payload.traceId)
  if (key === undefined) return undefined
  const { label } = payload
  return {
    id: event.id,
    key,
    traceId: traceId ?? '',
    ...(typeof label === 'string' ? { label } : {}),
    at: Number(at),
  }
}

/** A visitor's message on a history page: where it is, when Flow.ai made it, what it says. */
interface Copy {
  readonly entry: number
  readonly message: number
  readonly at: number
  readonly key: string
  readonly payload: Record<string, unknown>
  readonly type: unknown
}

/** When a history message was created (epoch ms), as core's `messagesFromHistory` reads it. */
const timeOf = (message: HistoryMessage) => toEpochMs(message.meta?.createdAt) ?? toEpochMs(message.createdAt)

/** The visitor's roles, as core's `senderOf` reads them: an agent's or the bot's message is not a send. */
const isVisitor = (role: string | undefined) => role === 'user' || role === 'external' || role === 'visitor'

/** Every visitor message of a page with a time and one response that says something, in page order. */
function copiesOf(page: HistoryPage): Copy[] {
  const found: Copy[] = []
  for (const [entry, { originator, messages }] of page.history.entries()) {
    if (!isVisitor(originator?.role)) continue
    for (const [index, message] of messages.entries()) {
      const at = timeOf(message)
      const response = message.responses[0]
      if (at === undefined || message.responses.length !== 1 || !response || !isRecord(response.payload))
        continue
      const key = contentKey(response.type, response.payload)
      if (key !== undefined)
        found.push({ entry, message: index, at, key, payload: response.payload, type: response.type })
    }
  }
  return found
}

/** The times of every message of a page (any originator), oldest and newest: the page's edges. */
function edgesOf(page: HistoryPage): [oldest: number, newest: number] {
  let [oldest, newest] = [Infinity, -Infinity]
  for (const entry of page.history) {
    for (const message of entry.messages) {
      const at = timeOf(message)
      if (at !== undefined) [oldest, newest] = [Math.min(oldest, at), Math.max(newest, at)]
    }
  }
  return [oldest, newest]
}

/** The times (sorted) grouped into windows of `skewMs` either side, merged where they overlap, oldest first. */
function windowsAround(
  times: readonly number[],
  skewMs: number,
): Array<{ from: number; to: number; times: number[] }> {
  const windows: Array<{ from: number; to: number; times: number[] }> = []
  for (const at of [...times].sort((a, b) => a - b)) {
    const last = windows.at(-1)
    if (last && at - skewMs <= last.to) {
      last.to = at + skewMs
      last.times.push(at)
    } else windows.push({ from: at - skewMs, to: at + skewMs, times: [at] })
  }
  return windows
}

/**
 * Pairs a page's visitor messages with the stored sends they are Flow.ai's copies of: for each thing said, its
 * copies and its sends in time order, each copy with the oldest send not yet taken within `skewMs` of it. So the
 * pairing is one to one (two clicks of one button are two sends with two traceIds, and stay two messages), and a
 * copy whose send is not stored yet (under way when the page was read, always the newest) takes none.
 *
 * Another page's copies could take a send near this page's edge, so each send is decided alone: beyond an edge
 * with a page past it (older when `page < pages`, newer when `page > 1`) every message is at or past the edge's
 * time, so a send is this page's only when one of this page's copies of its content is strictly nearer to it
 * than that edge is. The page across the edge reads the same rule from its side, and no send meets both (it
 * would lie strictly after this page's oldest message and strictly before the older page's newest, which is no
 * later), so no send is ever given to copies on two pages. A copy nearer to a send that may be another page's
 * than to the send it would take takes none (it may be the other's copy): left unpaired, never wrongly paired.
 */
function pair(
  copies: readonly Copy[],
  sends: readonly StoredSend[],
  skewMs: number,
  edges: { readonly older?: number; readonly newer?: number },
): Map<Copy, StoredSend> {
  const paired = new Map<Copy, StoredSend>()
  const byKey = new Map<string, Copy[]>()
  for (const copy of copies) {
    const same = byKey.get(copy.key)
    if (same) same.push(copy)
    else byKey.set(copy.key, [copy])
  }
  const { older, newer } = edges
  for (const [key, own] of byKey) {
    own.sort((a, b) => a.at - b.at)
    const near: StoredSend[] = []
    const across: StoredSend[] = []
    for (const send of sends) {
      if (send.key !== key) continue
      const nearest = Math.min(...own.map((c) => Math.abs(send.at - c.at)))
      if (nearest > skewMs) continue
      const ours =
        (older === undefined || nearest < send.at - older) &&
        (newer === undefined || nearest < newer - send.at)
      ;(ours ? near : across).push(send)
    }
    let next = 0
    for (const copy of own) {
      while (near[next] !== undefined && (near[next] as StoredSend).at < copy.at - skewMs) next++
      const send = near[next]
      if (send === undefined || send.at > copy.at + skewMs) continue
      // A send that may be another page's, nearer to this copy than the one it would take, may well be its own.
      const distance = Math.abs(send.at - copy.at)
      if (across.some((s) => Math.abs(s.at - copy.at) < distance)) continue
      paired.set(copy, send)
      next++
    }
  }
  return paired
}

/**
 * The page without any `meta.traceId` on it (the page itself when it has none). The relay is the field's only
 * author, giving a message its paired send's: one that came from elsewhere would have a client merge the message
 * into a send it is not the record of (a bot's answer into the question).
 *
 * @example
 * withoutTraceIds(page).history[0].messages[0].meta?.traceId // undefined
 */
export function withoutTraceIds(page: HistoryPage): HistoryPage {
  if (!page.history.some((entry) => entry.messages.some((m) => m.meta?.traceId !== undefined))) return page
  const history = page.history.map((entry) => ({
    ...entry,
    messages: entry.messages.map((message) => {
      if (message.meta?.traceId === undefined) return message
      const { traceId: _, ...meta } = message.meta
      return { ...message, meta }
    }),
  }))
  return { ...page, history }
}

/**
 * Flow.ai's history keeps what the visitor said, but not the traceId of the send (the relay's `sent` event and
 * the bot's answer name it by that), nor an event button's label; the relay's storage keeps both on the send's
 * `sent` event. For a history page, `restore` reads the thread's stored events around the times of the page's
 * visitor messages (one read per window of close times; see `sendsAround` for a busy thread) and pairs
 * each message with its send (see `pair`): the message gets the send's traceId as `meta.traceId`, so a tab that
 * reads the page while the send is under way knows its later `sent` echo as the same message, and an event the
 * send's label. An event that pairs with no send still gets the label of the visitor send with its event name
 * nearest in time within `skewMs` (a label only dresses a message: it never joins two).
 *
 * What the storage holds, every relay instance on it reads: with Redis, another instance or a restarted one
 * restores the same; the memory storage holds only its own process's sends, and loses them on restart. A message
 * whose send the storage no longer retains, or that lies past `readLimit`, keeps what Flow.ai gave (an event its
 * name, which the transcript then shows: never an empty bubble).
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

  /** The nearest labelled send of the same event name within `skewMs`, for an event that paired with none. */
  const nearestLabel = (sends: readonly StoredSend[], copy: Copy): string | undefined => {
    let best: StoredSend | undefined
    let distance = Infinity
    for (const send of sends) {
      const d = Math.abs(send.at - copy.at)
      if (send.label !== undefined && send.key === copy.key && d <= skewMs && d < distance)
        [best, distance] = [send, d]
    }
    return best?.label
  }

  /**
   * The visitor sends stored within `skewMs` of the times, oldest first. Times close together share one read of
   * their window (an ordinary page costs one or two reads). A window whose read stops at its share of `readLimit`
   * is a busy one: it is read again from each of its times forward and backward, so the events each time keeps
   * within its share are the nearest to it (a page then reads at most twice `readLimit` events).
   */
  async function sendsAround(threadId: string, times: readonly number[]): Promise<StoredSend[]> {
    const windows = windowsAround(times, skewMs)
    const share = Math.max(1, Math.floor(readLimit / windows.length))
    const read = await Promise.all(
      windows.map(async ({ from, to, times }) => {
        const all = await storage.readThreadRange(threadId, from, to, share)
        if (all.length < share) return all
        const each = Math.max(1, Math.floor(share / (2 * times.length)))
        const nearest = await Promise.all(
          times.flatMap((at) => [
            storage.readThreadRange(threadId, at, at + skewMs, each),
            storage.readThreadRange(threadId, at - skewMs, at, each, true),
          ]),
        )
        return nearest.flat()
      }),
    )
    const byId = new Map<string, StoredSend>()
    for (const event of read.flat()) {
      const send = byId.has(event.id) ? undefined : sendOf(event)
      if (send) byId.set(send.id, send)
    }
    return [...byId.values()].sort((a, b) => compareEventIds(a.id, b.id))
  }

  return {
    async restore(threadId, given) {
      const page = withoutTraceIds(given)
      const copies = copiesOf(page)
      if (copies.length === 0) return page
      const sends = await sendsAround(threadId, [...new Set(copies.map((c) => c.at))])
      if (sends.length === 0) return page
      const [oldest, newest] = edgesOf(page)
      const number = page.page ?? 1
      const paired = pair(
        copies,
        sends.filter((s) => s.traceId !== ''),
        skewMs,
        {
          // Without `pages`, the page is the last, as core's reducer reads it.
          ...(number < (page.pages ?? number) ? { older: oldest } : {}),
          ...(number > 1 ? { newer: newest } : {}),
        },
      )
      const history = page.history.map((entry) => ({ ...entry, messages: [...entry.messages] }))
      let changed = false
      for (const copy of copies) {
        const send = paired.get(copy)
        const unlabelled = copy.type === 'event' && copy.payload.label === undefined
        const label = unlabelled ? (send ? send.label : nearestLabel(sends, copy)) : undefined
        if (!send && label === undefined) continue
        const messages = history[copy.entry]!.messages
        const message = messages[copy.message]!
        const [response, ...rest] = message.responses
        messages[copy.message] = {
          ...message,
          ...(send ? { meta: { ...message.meta, traceId: send.traceId } } : {}),
          responses:
            label === undefined
              ? message.responses
              : [{ ...response!, payload: { ...copy.payload, label } }, ...rest],
        }
        changed = true
      }
      return changed ? { ...page, history } : page
    },
  }
}
