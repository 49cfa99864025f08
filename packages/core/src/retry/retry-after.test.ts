import { describe, expect, it } from 'vitest'
import { parseRetryAfter } from './retry-after.js'
import { parseRetryAfter as fromRest } from '../rest/retry.js'

const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')

describe('parseRetryAfter', () => {
  it.each([
    [undefined, undefined],
    [null, undefined],
    ['', undefined],
    ['0', 0],
    ['3', 3_000],
    [' 120 ', 120_000],
    ['-3', undefined],
    ['1.5', undefined],
    ['soon', undefined],
    ['Wed, 21 Oct 2015 07:28:30 GMT', 30_000],
    ['Wed, 21 Oct 2015 07:27:00 GMT', 0],
    ['Wednesday, 21-Oct-15 07:28:10 GMT', 10_000],
  ])('%j -> %j', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms)
  })

  it('is the same function under its REST path', () => {
    expect(fromRest).toBe(parseRetryAfter)
  })
})
