import type { EventEnvelope } from './types.js'

/**
 * One stream entry as stored by the append script: the envelope JSON without id (`e`), and in the
 * operators' stream also the thread id (`t`, '' for project events) and the id in that thread's stream
 * (`tid`).
 */
export interface StoredEntry {
  id: string
  /** The envelope without its id, still JSON: parsed only for the listeners that want it. */
  json: string
  threadId: string
  threadEventId: string
}

function field(fields: readonly unknown[], name: string): string {
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === name) {
      const value = fields[i + 1]
      return typeof value === 'string' ? value : ''
    }
  }
  return ''
}

/**
 * Checks and converts an XRANGE / XREAD entry list (`[[id, [field, value, …]], …]`). Anything else is
 * a Redis or script bug, reported as an error rather than silently dropped.
 *
 * @example
 * const entries = toEntries(await redis.xrange(key, '-', '+'))
 */
export function toEntries(reply: unknown): StoredEntry[] {
  if (!Array.isArray(reply))
    throw new Error(`redis storage: expected a list of stream entries, got ${typeof reply}`)
  return reply.map((item: unknown) => {
    if (!Array.isArray(item) || typeof item[0] !== 'string' || !Array.isArray(item[1])) {
      throw new Error('redis storage: malformed stream entry')
    }
    const fields = item[1] as unknown[]
    return {
      id: item[0],
      json: field(fields, 'e'),
      threadId: field(fields, 't'),
      threadEventId: field(fields, 'tid'),
    }
  })
}

/**
 * The envelope of a stored entry under the id of the stream it is read from.
 *
 * @example
 * const event = toEnvelope(entry.json, entry.threadEventId)
 */
export function toEnvelope(json: string, id: string): EventEnvelope {
  const stored = JSON.parse(json) as Omit<EventEnvelope, 'id'>
  // The id goes first so the SSE data reads like every other envelope.
  return { id, ...stored }
}
