import { isNumber, isRecord, isString } from '../schemas/light-read.js'
import { readJson, writeJson } from './memory-storage.js'
import type { KeyValueStorage } from './types.js'

/** A send waiting to go out: the exact JSON body (with its traceId), so every attempt is the same request. */
export interface OutboxItem {
  readonly traceId: string
  readonly body: Record<string, unknown>
  /** Epoch ms it was first queued; flushes go oldest first. */
  readonly queuedAt: number
  /** Who is sending it right now and until when (a tab that dies mid-send lets its lease expire). */
  readonly lease?: { readonly owner: string; readonly until: number }
  /**
   * Set for a file upload. The file itself cannot go in storage: the page that holds it in memory keeps the
   * item leased while it waits, and a page that finds it unleased knows the file was lost with its page.
   */
  readonly upload?: { readonly filename: string; readonly size: number }
}

export interface Outbox {
  list(): OutboxItem[]
  add(item: OutboxItem): void
  remove(traceId: string): void
  /** Takes the lease of an item for `ms`; false when another owner holds an unexpired lease or it is gone. */
  claim(traceId: string, ms: number): boolean
  release(traceId: string): void
  /** Extends the leases this owner holds on `traceIds` by `ms` from now. */
  renew(traceIds: ReadonlySet<string>, ms: number): void
}

const isItem = (v: unknown): v is OutboxItem =>
  isRecord(v) && isString(v.traceId) && isRecord(v.body) && isNumber(v.queuedAt)

/**
 * The storage key of a thread's outbox: the one place it is spelled (`FlowChat.reset()` removes it).
 *
 * @example
 * outboxKey('t1') // 'flowchat:outbox:t1'
 */
export function outboxKey(threadId: string): string {
  return `flowchat:outbox:${threadId}`
}

/**
 * A thread's outbox in key-value storage (localStorage in browsers), so sends made offline or failed on the
 * network survive a reload. Several tabs share it: before sending, a tab claims an item's lease (owner + expiry)
 * and others skip leased items, so a message goes out once even when two tabs flush together. The traceId
 * stays the same across attempts, which also lets the relay and Flow.ai recognise a repeat.
 *
 * @example
 * const outbox = createOutbox({ storage, key: 'flowchat:outbox:t1', owner: tabId, now: () => Date.now() })
 * if (outbox.claim(item.traceId, 30_000)) await post(item.body)
 */
export function createOutbox(options: {
  storage: KeyValueStorage
  key: string
  owner: string
  now: () => number
}): Outbox {
  const { storage, key, owner, now } = options
  /** The items while storage refuses them (quota full, storage blocked for writes): the page keeps them itself. */
  let kept: OutboxItem[] | false = false
  const read = (): OutboxItem[] => {
    const value = kept || readJson(storage, key)
    return Array.isArray(value) ? value.filter(isItem) : []
  }
  const write = (items: OutboxItem[]) =>
    (kept = !writeJson(storage, key, items.length === 0 ? undefined : items) && items)
  const find = (traceId: string) => read().find((i) => i.traceId === traceId)
  /** Sets (or with `ms` undefined, drops: written as JSON, an undefined lease is no lease) the picked leases. */
  const lease = (pick: (item: OutboxItem) => boolean, ms?: number) =>
    write(
      read().map((i) =>
        pick(i) ? { ...i, lease: ms === undefined ? undefined : { owner, until: now() + ms } } : i,
      ),
    )

  return {
    list: () => read().sort((a, b) => a.queuedAt - b.queuedAt),
    add(item) {
      const items = read()
      if (!items.some((i) => i.traceId === item.traceId)) write([...items, item])
    },
    remove: (traceId) => write(read().filter((i) => i.traceId !== traceId)),
    claim(traceId, ms) {
      const item = find(traceId)
      if (!item) return false
      if (item.lease && item.lease.owner !== owner && item.lease.until > now()) return false
      lease((i) => i.traceId === traceId, ms)
      // Read back: when two tabs wrote at once, the last writer holds it and the other backs off.
      return find(traceId)?.lease?.owner === owner
    },
    renew: (traceIds, ms) =>
      lease((i) => traceIds.has(i.traceId) && (!i.lease || i.lease.owner === owner), ms),
    release: (traceId) => lease((i) => i.traceId === traceId),
  }
}
