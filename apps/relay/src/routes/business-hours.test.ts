import { afterEach, describe, expect, it, vi } from 'vitest'
import * as z from 'zod/mini'
import { businessHoursAnswerSchema } from '@flowchat/core/protocol'
import type { Relay } from '../relay.js'
import { createTestRelay } from '../testing/fake-flow.js'

// Monday to Friday, 9:00 to 17:00 in UTC+01:00 (8:00 to 16:00 UTC).
const office = {
  label: 'office',
  timezone: '(UTC+01:00) Amsterdam',
  weekdays: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'].map((weekday) => ({
    weekday,
    content: [{ from: '9:00', to: '17:00' }],
  })),
  holidays: [],
}

describe('GET /v1/business-hours', () => {
  let relay: Relay
  afterEach(async () => {
    vi.useRealTimers()
    await relay?.close()
  })

  async function ask(hours: unknown[]) {
    const made = await createTestRelay({}, (call) =>
      call.path.startsWith('businesshours?sync')
        ? Response.json({ status: 'ok', businessHours: hours })
        : undefined,
    )
    relay = made.relay
    return async () => {
      // A token per question: a faked clock moved by days would see an older one expired.
      const token = await relay.issueToken({ threadId: 'A|o_1', name: 'Ann' })
      const r = await relay.app.inject({
        url: '/v1/business-hours',
        headers: { authorization: `Bearer ${token}` },
      })
      expect(r.statusCode).toBe(200)
      return z.parse(businessHoursAnswerSchema, r.json())
    }
  }

  it('answers with the relay clock whether the business is open and when that changes, the hours kept', async () => {
    // Only Date is faked: the relay's own timers stay real.
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2024-01-02T10:00:00Z'))
    const get = await ask([office])
    expect(await get()).toEqual({
      businessHours: [office],
      open: true,
      nextChangeAt: '2024-01-02T16:00:00.000Z',
      nextChangeInMs: 6 * 3_600_000,
    })
    vi.setSystemTime(new Date('2024-01-05T16:30:00Z'))
    // Friday after closing: the next change is Monday's opening.
    expect(await get()).toMatchObject({
      open: false,
      nextChangeAt: '2024-01-08T08:00:00.000Z',
      nextChangeInMs: (2 * 24 + 15.5) * 3_600_000,
    })
  })

  it('counts no hours as always open, with no next change', async () => {
    const get = await ask([])
    expect(await get()).toEqual({ businessHours: [], open: true })
  })
})
