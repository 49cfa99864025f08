/**
 * Stable ids for messages that carry no id of their own. A send is known by its traceId and a Flow.ai reply by
 * its `meta.msgId`; anything else gets an id derived from who said it, when, and its position, so the same
 * message read from history and from a live event gets the same id.
 */

/** FNV-1a (32 bit) of a string, in base 36: short, fast, and the same in every runtime. */
export function stableHash(text: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0).toString(36)
}

/**
 * The id of a message without `msgId` or traceId: a hash of originator, creation time and index in its turn.
 *
 * @example
 * derivedMessageId('bot:Emulator bot', 1732170000000, 0) // 'd-…'
 */
export function derivedMessageId(originator: string, createdAt: number, index: number): string {
  return `d-${stableHash(`${originator}|${createdAt}|${index}`)}`
}

/** A random traceId for a send: `crypto.randomUUID` where it exists (browsers over https, Node), else random digits. */
export function newTraceId(random: () => number = Math.random): string {
  const crypto = globalThis.crypto as Crypto | undefined
  if (typeof crypto?.randomUUID === 'function') return crypto.randomUUID()
  let out = 'fc-'
  for (let i = 0; i < 4; i++) out += Math.floor(random() * 0x100000000).toString(36)
  return out
}

/** The one event-id comparison lives in the protocol; re-exported for the client's modules. */
export { compareEventIds } from '../protocol/event-id.js'
