// How the widget reads the fields of a message, its templates and the relay's answers that it puts on screen or
// reads out: a field of the wrong shape (from a page's own client, or a hostile stream) shows nothing, never
// "[object Object]" or "undefined", and never makes a render throw.

/**
 * A field read as text: the value when it is a string, else `''`.
 *
 * @example
 * textOf(message.senderName) || strings.bot
 */
export const textOf = (v: unknown): string => (typeof v === 'string' ? v : '')

/**
 * A list read as one of objects: none when it is not an array, and no entry that is not an object.
 *
 * @example
 * objectsOf<QuickReply>(payload.quickReplies).map((q) => q.type)
 */
export const objectsOf = <T extends object>(list: unknown): T[] =>
  (Array.isArray(list) ? list : []).filter((v): v is T => typeof v === 'object' && v !== null)
