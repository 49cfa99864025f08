import type { EventStorage } from '../storage/types.js'

/** `storage` as one written before sends under way were shared: without the three methods of send marks. */
export function withoutSendMarks(storage: EventStorage): EventStorage {
  const rest: EventStorage = { ...storage }
  delete rest.markSendUnderWay
  delete rest.clearSendUnderWay
  delete rest.countSendsUnderWay
  return rest
}

/** `storage` with every answer of its `countSendsUnderWay` recorded in `counts`, in order. */
export function recordingSendCounts(storage: EventStorage) {
  const counts: number[] = []
  const count = storage.countSendsUnderWay?.bind(storage)
  const recording: EventStorage = count
    ? {
        ...storage,
        countSendsUnderWay: async (threadId) => {
          const n = await count(threadId)
          counts.push(n)
          return n
        },
      }
    : storage
  return { storage: recording, counts }
}
