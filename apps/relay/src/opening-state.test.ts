import { describe, expect, it } from 'vitest'
import type { BusinessHours } from '@flowchat/core/schemas'
import { openingState, zoneOffsetMinutes } from './opening-state.js'

const week = (timezone: string, slots = [{ from: '9:00', to: '17:00' }]): BusinessHours[] => [
  {
    weekdays: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'].map((weekday) => ({
      weekday,
      content: slots,
    })),
    holidays: [{ holiday: 'New Year', date: '2024-01-01T00:00:00.000Z' }],
    timezone,
  },
]

describe('openingState', () => {
  it('is open inside a slot and closed outside, with the next opening', () => {
    expect(openingState(week('(UTC+00:00) UTC'), new Date('2024-01-02T10:00:00Z'))).toEqual({
      open: true,
      nextChange: new Date('2024-01-02T17:00:00Z'),
    })
    expect(openingState(week('(UTC+00:00) UTC'), new Date('2024-01-02T17:00:00Z'))).toEqual({
      open: false,
      nextChange: new Date('2024-01-03T09:00:00Z'),
    })
  })

  it('skips the weekend and holidays', () => {
    // Friday evening → Monday 1 January is a holiday → Tuesday.
    expect(openingState(week('(UTC+00:00) UTC'), new Date('2023-12-29T18:00:00Z'))).toEqual({
      open: false,
      nextChange: new Date('2024-01-02T09:00:00Z'),
    })
  })

  it('reads Flow.ai time zones and IANA names', () => {
    // 9:00 in UTC+03:00 is 6:00 UTC.
    expect(openingState(week('(UTC+03:00) Minsk'), new Date('2024-01-02T06:30:00Z'))).toEqual({
      open: true,
      nextChange: new Date('2024-01-02T14:00:00Z'),
    })
    expect(openingState(week('(UTC+03:00) Minsk'), new Date('2024-01-02T05:30:00Z')).open).toBe(false)
    expect(zoneOffsetMinutes('(UTC-05:30) Somewhere', new Date())).toBe(-330)
    expect(zoneOffsetMinutes('Europe/Amsterdam', new Date('2024-07-01T12:00:00Z'))).toBe(120)
    expect(zoneOffsetMinutes('Not/AZone', new Date())).toBe(0)
  })

  describe('across daylight saving changes, each day with its own offset', () => {
    const at = (zone: string, now: string) => openingState(week(zone), new Date(now))
    const sunday = (zone: string, from: string, to: string): BusinessHours[] => [
      { weekdays: [{ weekday: 'Sunday', content: [{ from, to }] }], holidays: [], timezone: zone },
    ]

    it('opens on Monday at 9:00 of the new offset after a weekend with a change', () => {
      // Amsterdam springs forward on Sunday 31 March 2024 (UTC+1 → UTC+2), falls back on 27 October (→ UTC+1).
      expect(at('Europe/Amsterdam', '2024-03-29T17:00:00Z').nextChange).toEqual(
        new Date('2024-04-01T07:00:00Z'),
      )
      expect(at('Europe/Amsterdam', '2024-10-25T17:00:00Z').nextChange).toEqual(
        new Date('2024-10-28T08:00:00Z'),
      )
      // New York springs forward on 10 March 2024 (UTC−5 → UTC−4), falls back on 3 November (→ UTC−5).
      expect(at('America/New_York', '2024-03-08T23:00:00Z').nextChange).toEqual(
        new Date('2024-03-11T13:00:00Z'),
      )
      expect(at('America/New_York', '2024-11-01T22:00:00Z').nextChange).toEqual(
        new Date('2024-11-04T14:00:00Z'),
      )
      // The closing time on the Monday after, read while open.
      expect(at('Europe/Amsterdam', '2024-04-01T07:30:00Z')).toEqual({
        open: true,
        nextChange: new Date('2024-04-01T15:00:00Z'),
      })
      expect(at('America/New_York', '2024-11-04T14:00:00Z')).toEqual({
        open: true,
        nextChange: new Date('2024-11-04T22:00:00Z'),
      })
    })

    it('starts a slot in the skipped hour as if the clock had not moved yet', () => {
      // 2:30 does not happen that night: it is 3:30 summer time, and 4:00 is summer time too.
      expect(
        openingState(sunday('Europe/Amsterdam', '2:30', '4:00'), new Date('2024-03-30T12:00:00Z')),
      ).toEqual({
        open: false,
        nextChange: new Date('2024-03-31T01:30:00Z'),
      })
      // At 3:00 summer time the slot has not started yet: it starts at 3:30 (7:30 UTC).
      expect(
        openingState(sunday('America/New_York', '2:30', '4:00'), new Date('2024-03-10T07:00:00Z')),
      ).toEqual({
        open: false,
        nextChange: new Date('2024-03-10T07:30:00Z'),
      })
    })

    it('spans the change inside a slot, and opens at the first of a time that happens twice', () => {
      // Midnight to 6:00 as clocks spring forward lasts five hours; as they fall back, seven.
      expect(
        openingState(sunday('Europe/Amsterdam', '0:00', '6:00'), new Date('2024-03-30T22:00:00Z')),
      ).toEqual({
        open: false,
        nextChange: new Date('2024-03-30T23:00:00Z'),
      })
      expect(
        openingState(sunday('Europe/Amsterdam', '0:00', '6:00'), new Date('2024-03-31T02:00:00Z')),
      ).toEqual({
        open: true,
        nextChange: new Date('2024-03-31T04:00:00Z'),
      })
      expect(
        openingState(sunday('America/New_York', '0:00', '6:00'), new Date('2024-11-03T05:00:00Z')),
      ).toEqual({
        open: true,
        nextChange: new Date('2024-11-03T11:00:00Z'),
      })
      // 1:30 happens twice in New York that night (EDT, then EST): the slot opens at the first.
      expect(
        openingState(sunday('America/New_York', '1:30', '3:00'), new Date('2024-11-03T04:00:00Z')),
      ).toEqual({
        open: false,
        nextChange: new Date('2024-11-03T05:30:00Z'),
      })
      expect(
        openingState(sunday('Europe/Amsterdam', '2:30', '4:00'), new Date('2024-10-27T01:45:00Z')),
      ).toEqual({
        open: true,
        nextChange: new Date('2024-10-27T03:00:00Z'),
      })
    })
  })

  it('handles several slots a day, and a slot past midnight', () => {
    const split = week('(UTC+00:00) UTC', [
      { from: '0:20', to: '4:19' },
      { from: '22:00', to: '2:00' },
    ])
    // 22:00 to 2:00 runs into the next day's 0:20 to 4:19: one stretch, closing at 4:19.
    expect(openingState(split, new Date('2024-01-03T01:00:00Z'))).toEqual({
      open: true,
      nextChange: new Date('2024-01-03T04:19:00Z'),
    })
    expect(openingState(split, new Date('2024-01-02T23:00:00Z'))).toEqual({
      open: true,
      nextChange: new Date('2024-01-03T04:19:00Z'),
    })
    expect(openingState(split, new Date('2024-01-02T12:00:00Z'))).toEqual({
      open: false,
      nextChange: new Date('2024-01-02T22:00:00Z'),
    })
  })

  it('joins slots that touch, across schedules too', () => {
    const morning = week('(UTC+00:00) UTC', [{ from: '9:00', to: '12:00' }])
    const afternoon = week('(UTC+01:00) Paris', [{ from: '13:00', to: '18:00' }])
    expect(openingState([...morning, ...afternoon], new Date('2024-01-02T10:00:00Z'))).toEqual({
      open: true,
      nextChange: new Date('2024-01-02T17:00:00Z'),
    })
  })

  it('has no next change when no opening falls in the week ahead', () => {
    // Open today until 17:00; every day from tomorrow to past the week ahead is a holiday.
    const holidays = Array.from({ length: 12 }, (_, i) => ({
      date: new Date(Date.UTC(2024, 0, 3 + i)).toISOString(),
    }))
    const away = week('(UTC+00:00) UTC').map((s) => ({ ...s, holidays }))
    expect(openingState(away, new Date('2024-01-02T12:00:00Z')).open).toBe(true)
    expect(openingState(away, new Date('2024-01-02T18:00:00Z'))).toEqual({ open: false })
  })

  it('counts no schedule, or junk, as always open', () => {
    expect(openingState([], new Date())).toEqual({ open: true })
    expect(openingState(undefined, new Date())).toEqual({ open: true })
    const junk = [{ weekdays: [{ weekday: 'Funday', content: [{ from: 'x', to: '25:00' }] }], holidays: [] }]
    expect(openingState(junk as BusinessHours[], new Date())).toEqual({ open: true })
    expect(openingState([null, 5] as unknown as BusinessHours[], new Date())).toEqual({ open: true })
  })
})
