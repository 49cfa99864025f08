import * as z from 'zod/mini'

/**
 * The checks of "at most `max` characters", counted as JavaScript's `length` counts them (UTF-16 code units): as the
 * reactive client and the widget count a text before sending it, and as Flow.ai, in JavaScript, most likely does.
 * zod's own `maxLength` counts code points (an emoji is one, not two), so alone it let through text the client
 * refuses. It stays first, for the JSON schema the relay publishes (`maxLength`), and ends the check when it fails
 * already, so a field over both counts gets one issue.
 *
 * @example
 * z.string().check(...maxChars(255)) // '\u{1F600}'.repeat(128) is 256 characters: too long
 */
export function maxChars(max: number, message = `must be at most ${max} characters`) {
  return [
    z.maxLength(max, { message, abort: true }),
    z.refine<string>((s) => s.length <= max, { message }),
  ] as const
}
