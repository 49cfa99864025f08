import { describe, expect, it } from 'vitest'
import { compareEventIds as clientCompare } from '../client/message-id.js'
import { compareEventIds, isEventId, parseEventId } from './event-id.js'
import { eventIdSchema } from './fields.js'
import { seededRandom } from '../client/test-doubles.js'
import { safeParse } from '../schemas/parse.js'

describe('event ids', () => {
  it('compare numerically, part by part, not as strings', () => {
    expect(compareEventIds('9-0', '10-0')).toBeLessThan(0)
    expect(compareEventIds('10-2', '10-10')).toBeLessThan(0)
    expect(compareEventIds('10-10', '10-2')).toBeGreaterThan(0)
    expect(compareEventIds('7-3', '7-3')).toBe(0)
    expect(compareEventIds('007-3', '7-03')).toBe(0)
  })

  it('keep their order past 2^53 (20-digit parts)', () => {
    expect(compareEventIds('18446744073709551615-0', '18446744073709551614-9')).toBeGreaterThan(0)
    expect(compareEventIds('1-18446744073709551615', '1-18446744073709551614')).toBeGreaterThan(0)
    // Number() would call these equal.
    expect(compareEventIds('9007199254740993-0', '9007199254740992-0')).toBeGreaterThan(0)
  })

  it('sort a malformed id before every well-formed one, and two malformed ones as equal', () => {
    for (const bad of ['', 'abc', '5', '5-', '-5', '5-1-2', '1.5-0', ' 5-1', '123456789012345678901-0']) {
      expect(isEventId(bad)).toBe(false)
      expect(compareEventIds(bad, '0-0')).toBeLessThan(0)
      expect(compareEventIds('0-0', bad)).toBeGreaterThan(0)
      expect(compareEventIds(bad, 'zzz')).toBe(0)
    }
    const sorted = ['10-0', 'x', '9-1', '9-0'].sort(compareEventIds)
    expect(sorted).toEqual(['x', '9-0', '9-1', '10-0'])
  })

  it('is one rule: the client and the schema use the same one', () => {
    expect(clientCompare).toBe(compareEventIds)
    expect(safeParse(eventIdSchema, '1-2').ok).toBe(true)
    const bad = safeParse(eventIdSchema, '1_2')
    expect(bad.ok).toBe(false)
    if (!bad.ok) expect(bad.error).toContain('must look like <ms>-<seq>')
  })

  it('agree with the pattern and BigInt on every id, well-formed or not (seeded)', () => {
    const random = seededRandom(15)
    const digits = (n: number) =>
      Array.from({ length: n }, () => '0123456789'[Math.floor(random() * 10)]).join('')
    const junk = () =>
      Array.from({ length: Math.floor(random() * 24) }, () => '0019-x '[Math.floor(random() * 7)]).join('')
    const id = () =>
      random() < 0.7
        ? `${digits(1 + Math.floor(random() * 21))}-${digits(1 + Math.floor(random() * 21))}`
        : junk()
    const reference = (a: string, b: string) => {
      const [x, y] = [parseEventId(a), parseEventId(b)]
      if (!x || !y) return Number(!!x) - Number(!!y)
      return Math.sign(Number(x.ms - y.ms)) || Math.sign(Number(x.seq - y.seq))
    }
    for (let i = 0; i < 20_000; i++) {
      const a = id()
      const b = random() < 0.2 ? a.replace(/^(\d)/, '0$1') : id()
      expect(Math.sign(compareEventIds(a, b)), `${a} vs ${b}`).toBe(reference(a, b))
    }
  })
})
