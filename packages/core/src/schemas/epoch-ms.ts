import { isNumber } from './light-read.js'

/** Made once: a regex literal in the function would make a RegExp per time read. */
const DIGITS = /^\d+$/

/**
 * Epoch milliseconds from a Flow.ai time: a number (seconds below 1e11, else milliseconds), a numeric string or
 * an ISO string; `undefined` when it is none of these. The one reading of Flow.ai's times, for client and relay.
 *
 * @example
 * toEpochMs('2024-05-01T10:00:00Z') // 1714557600000
 * toEpochMs(1714557600) // 1714557600000
 */
export function toEpochMs(value: unknown): number | undefined {
  if (isNumber(value)) return value < 1e11 ? value * 1000 : value
  if (typeof value === 'string' && value !== '') {
    if (DIGITS.test(value)) return toEpochMs(Number(value))
    const ms = Date.parse(value)
    return Number.isNaN(ms) ? undefined : ms
  }
  return undefined
}
