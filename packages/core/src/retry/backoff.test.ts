import { describe, expect, it } from 'vitest'
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.js'

describe('backoffDelay: exponential, capped, full jitter', () => {
  it.each([
    // attempt, baseMs, maxMs, random, expected
    [1, 100, 10_000, 1, 100],
    [2, 100, 10_000, 1, 200],
    [3, 100, 10_000, 1, 400],
    [3, 100, 10_000, 0.5, 200],
    [3, 100, 10_000, 0, 0],
    [8, 100, 1_000, 1, 1_000],
    [8, 100, 1_000, 0.999, 999],
    [0, 100, 10_000, 1, 100],
    [-5, 100, 10_000, 1, 100],
    [1_000, 100, 10_000, 1, 10_000],
  ])('attempt %i, base %i, max %i, random %f: %i ms', (attempt, baseMs, maxMs, r, expected) => {
    expect(backoffDelay(attempt, { baseMs, maxMs, random: () => r })).toBe(expected)
  })

  it('uses the defaults when no option is given', () => {
    expect(backoffDelay(1, { random: () => 1 })).toBe(DEFAULT_BACKOFF.baseMs)
    expect(backoffDelay(50, { random: () => 1 })).toBe(DEFAULT_BACKOFF.maxMs)
  })

  it('never leaves [0, ceiling] whatever randomness returns', () => {
    expect(backoffDelay(2, { baseMs: 100, random: () => 7 })).toBe(200)
    expect(backoffDelay(2, { baseMs: 100, random: () => -1 })).toBe(0)
  })
})
