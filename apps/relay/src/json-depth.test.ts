import { describe, expect, it } from 'vitest'
import { exceedsJsonDepth } from './json-depth.js'

describe('exceedsJsonDepth', () => {
  it('counts arrays and objects, not brackets inside strings or escaped quotes', () => {
    expect(exceedsJsonDepth('{"a":[1,{"b":[]}]}', 4)).toBe(false)
    expect(exceedsJsonDepth('{"a":[1,{"b":[]}]}', 3)).toBe(true)
    expect(exceedsJsonDepth('{"a":"[[[[{{{{"}', 1)).toBe(false)
    expect(exceedsJsonDepth('{"a":"\\"[[[[\\\\","b":[]}', 2)).toBe(false)
    expect(exceedsJsonDepth('{"a":"\\\\","b":[[]]}', 2)).toBe(true)
    expect(exceedsJsonDepth('42', 0)).toBe(false)
  })

  it('reads UTF-8 bytes the same as text', () => {
    const text = '{"é€😀":["[", {"x": ["ü"]}]}'
    for (const max of [1, 2, 3, 4]) {
      expect(exceedsJsonDepth(Buffer.from(text), max), String(max)).toBe(exceedsJsonDepth(text, max))
    }
  })

  it('handles a million levels without recursion', () => {
    const deep = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`
    expect(exceedsJsonDepth(deep, 64)).toBe(true)
    expect(exceedsJsonDepth(Buffer.from(deep), 1_000_000)).toBe(false)
  })
})
