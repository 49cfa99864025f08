/**
 * Sends under way, as one process holds them: for the memory backend's `markSendUnderWay`,
 * `clearSendUnderWay` and `countSendsUnderWay` (see `EventStorage`); and the TTL rule both backends check.
 */

/**
 * The TTL of a mark as a whole number of milliseconds, at least 1; throws on anything else.
 *
 * @example
 * sendMarkTtl(30_000) // 30000
 */
export function sendMarkTtl(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`markSendUnderWay: ttlMs must be a positive number, got ${String(ttlMs)}`)
  }
  return Math.ceil(ttlMs)
}

/**
 * Marks by thread, each send with its expiry time. A thread's expired marks are dropped whenever the thread is
 * marked or counted, and a thread without marks is forgotten, so what it holds is bounded by the sends under way
 * (plus the expired marks of threads nobody has looked at since: a send's `clear` always follows its mark in one
 * process, unless the send never settles).
 *
 * @example
 * const marks = createSendMarks(Date.now)
 * marks.mark('t1', 'send-1', 30_000)
 * marks.count('t1') // 1
 */
export function createSendMarks(now: () => number) {
  const threads = new Map<string, Map<string, number>>()
  /** The thread's marks without the expired ones (undefined when none is left). */
  function live(threadId: string, at: number): Map<string, number> | undefined {
    const sends = threads.get(threadId)
    if (!sends) return undefined
    for (const [sendId, expiresAt] of sends) if (expiresAt <= at) sends.delete(sendId)
    if (sends.size > 0) return sends
    threads.delete(threadId)
    return undefined
  }
  return {
    mark(threadId: string, sendId: string, ttlMs: number): void {
      const ttl = sendMarkTtl(ttlMs)
      const at = now()
      const sends = live(threadId, at) ?? new Map<string, number>()
      sends.set(sendId, at + ttl)
      threads.set(threadId, sends)
    },
    clear(threadId: string, sendId: string): void {
      const sends = threads.get(threadId)
      if (sends?.delete(sendId) && sends.size === 0) threads.delete(threadId)
    },
    count(threadId: string): number {
      return live(threadId, now())?.size ?? 0
    },
    /** Forgets every mark (the storage closes). */
    clearAll(): void {
      threads.clear()
    },
  }
}
