import { describe, expect, it } from 'vitest'
import * as protocol from '@flowchat/core/protocol'
import { compareEventIds, createIdGenerator, isEventId } from './event-id.js'

describe("the relay's event ids", () => {
  it("are the protocol's rule and comparison, not a copy", () => {
    expect(compareEventIds).toBe(protocol.compareEventIds)
    expect(isEventId).toBe(protocol.isEventId)
  })

  it('are generated increasing, also when the clock goes back', () => {
    const times = [5, 5, 4, 6]
    const next = createIdGenerator(() => times.shift() ?? 6)
    const ids = [next(), next(), next(), next()]
    expect(ids).toEqual(['5-0', '5-1', '5-2', '6-0'])
    for (const id of ids) expect(isEventId(id)).toBe(true)
  })
})
