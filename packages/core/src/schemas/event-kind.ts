import { selfNamed } from '../self-named.js'

const kinds = [
  'reply',
  'delivered',
  'paused',
  'resumed',
  'handover',
  'history',
  'threads',
  'triggerEvents',
  'businessHours',
  'botStatus',
  'inbound',
  'outbound',
  'takeover',
  'unknown',
] as const

/**
 * The one vocabulary both webhook dialects are decoded into. Each kind is its own name (`selfNamed`).
 */
export const EventKind = /* @__PURE__ */ selfNamed(kinds)
export type EventKind = (typeof EventKind)[keyof typeof EventKind]

/** Kinds that concern the whole project rather than one thread; the relay routes them to operators. */
export const PROJECT_KINDS: ReadonlySet<EventKind> = new Set(['threads', 'triggerEvents', 'businessHours'])
