const OPEN_ARRAY = 0x5b
const OPEN_OBJECT = 0x7b
const CLOSE_ARRAY = 0x5d
const CLOSE_OBJECT = 0x7d
const QUOTE = 0x22
const BACKSLASH = 0x5c

/**
 * Whether JSON text nests arrays and objects deeper than `maxDepth`, found by one pass over its characters (or
 * UTF-8 bytes) before it is parsed: no recursion, so no input can overflow the stack, and it stops at the first
 * bracket past the limit. Brackets inside strings do not count. Text that is not valid JSON is left for the
 * parser to refuse.
 *
 * @example
 * exceedsJsonDepth('[[1]]', 1) // true
 * exceedsJsonDepth('{"a":"[[["}', 1) // false
 */
export function exceedsJsonDepth(text: string | Uint8Array, maxDepth: number): boolean {
  const bytes = typeof text !== 'string'
  const length = text.length
  let depth = 0
  let inString = false
  for (let i = 0; i < length; i++) {
    // '"', '\\' and brackets are ASCII: in UTF-8 they never occur inside a multi-byte character.
    const c = bytes ? (text[i] as number) : text.charCodeAt(i)
    if (inString) {
      if (c === BACKSLASH) i++
      else if (c === QUOTE) inString = false
    } else if (c === QUOTE) inString = true
    else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > maxDepth) return true
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) depth--
  }
  return false
}
