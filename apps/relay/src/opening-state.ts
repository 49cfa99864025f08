import type { BusinessHours } from '@flowchat/core/schemas'

/**
 * Whether the business is open at a moment, and when that next changes: the closing time while open, the next
 * opening while closed. Hours are looked at for the week ahead: no `nextChange` means no opening in it (or no
 * hours at all), and a business open around the clock shows a change at the week's end, to be asked again then.
 */
export interface OpeningState {
  open: boolean
  nextChange?: Date
}

const DAY_MS = 86_400_000
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday']

/** `"9:00"` → minutes after midnight; `undefined` for anything else. `24:00` is allowed as an end. */
function minutes(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined
  const m = /^\s*(\d{1,2}):(\d{2})\s*$/.exec(value)
  if (!m) return undefined
  const h = Number(m[1])
  const min = Number(m[2])
  if (h > 24 || min > 59 || (h === 24 && min > 0)) return undefined
  return h * 60 + min
}

function weekdayIndex(name: unknown): number | undefined {
  if (typeof name !== 'string') return undefined
  const n = name.trim().toLowerCase()
  if (n.length < 2) return undefined
  const i = WEEKDAYS.findIndex((d) => d.startsWith(n))
  return i === -1 ? undefined : i
}

const formats = new Map<string, Intl.DateTimeFormat>()

/** One formatter per zone name (building one costs far more than using it); an unknown name throws. */
function zoneFormat(zone: string): Intl.DateTimeFormat {
  let format = formats.get(zone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    })
    formats.set(zone, format)
  }
  return format
}

/**
 * The offset from UTC in minutes of a time zone at an instant. Flow.ai writes zones like
 * `"(UTC+03:00) Minsk"` (a fixed offset); IANA names (`Europe/Amsterdam`) are understood too, with their daylight
 * saving time; anything else counts as UTC.
 */
export function zoneOffsetMinutes(zone: string | undefined, at: Date | number): number {
  if (!zone) return 0
  const fixed = /UTC\s*([+-−])\s*(\d{1,2})(?::?(\d{2}))?/.exec(zone)
  if (fixed) {
    const sign = fixed[1] === '+' ? 1 : -1
    return sign * (Number(fixed[2]) * 60 + Number(fixed[3] ?? 0))
  }
  try {
    const t = typeof at === 'number' ? at : at.getTime()
    const parts = zoneFormat(zone.trim()).formatToParts(t)
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0)
    const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'))
    return Math.round((asUtc - Math.floor(t / 60_000) * 60_000) / 60_000)
  } catch {
    return 0
  }
}

/**
 * The instant of a wall-clock time in a zone (`local`: that time's fields read as UTC milliseconds), with the
 * offset in force then rather than now: a week's hours cross daylight saving changes. The offsets a day before and
 * a day after are the only two candidates (zones change at most once in two days); the one that reads back is
 * taken, the earlier when both do (a time that happens twice as clocks fall back). A time in the hour skipped as
 * clocks spring forward happens as if the clock had not moved yet: 2:30 on that night is 3:30 summer time, as
 * JavaScript's Date and Temporal's `compatible` read it.
 */
function zonedInstant(zone: string | undefined, local: number): number {
  const before = zoneOffsetMinutes(zone, local - DAY_MS) * 60_000
  if (zoneOffsetMinutes(zone, local - before) * 60_000 === before) return local - before
  const after = zoneOffsetMinutes(zone, local + DAY_MS) * 60_000
  return zoneOffsetMinutes(zone, local - after) * 60_000 === after ? local - after : local - before
}

/**
 * The instant of each wall-clock time of one day in a zone (`dayStart`: its midnight read as UTC, its slots ending
 * up to two days later). When the offset a day before equals the one three days after, nothing changed in between
 * (zones change twice a year at most), so every slot takes it without asking Intl again: two look-ups a day instead
 * of two or more per slot end.
 */
function dayInstants(zone: string | undefined, dayStart: number): (local: number) => number {
  const before = zoneOffsetMinutes(zone, dayStart - DAY_MS) * 60_000
  return before === zoneOffsetMinutes(zone, dayStart + 3 * DAY_MS) * 60_000
    ? (local) => local - before
    : (local) => zonedInstant(zone, local)
}

/** Opening intervals of one schedule as [start, end) instants, for the days around `now`. */
function intervals(schedule: BusinessHours, now: Date): [number, number][] {
  const zone = schedule.timezone
  // Today's date where the business is; each slot then takes the offset of its own day (daylight saving).
  const today = Math.floor((now.getTime() + zoneOffsetMinutes(zone, now) * 60_000) / DAY_MS) * DAY_MS
  const holidays = new Set(
    (Array.isArray(schedule.holidays) ? schedule.holidays : [])
      .map((h) => (typeof h?.date === 'string' ? h.date.slice(0, 10) : ''))
      .filter(Boolean),
  )
  const out: [number, number][] = []
  // Yesterday catches an interval running past midnight; eight days ahead always reach the next opening.
  for (let d = -1; d <= 8; d++) {
    const dayStart = today + d * DAY_MS
    const day = new Date(dayStart)
    if (holidays.has(day.toISOString().slice(0, 10))) continue
    const instant = dayInstants(zone, dayStart)
    for (const entry of Array.isArray(schedule.weekdays) ? schedule.weekdays : []) {
      if (weekdayIndex(entry?.weekday) !== day.getUTCDay()) continue
      for (const slot of Array.isArray(entry.content) ? entry.content : []) {
        const from = minutes(slot?.from)
        let to = minutes(slot?.to)
        if (from === undefined || to === undefined) continue
        if (to <= from) to += 24 * 60
        out.push([instant(dayStart + from * 60_000), instant(dayStart + to * 60_000)])
      }
    }
  }
  return out
}

/**
 * Whether a business with these schedules is open at `now`, and when that next changes. No schedule at all (or
 * none with a valid slot) means always open: the banner is for businesses that configured hours. Slots that touch
 * or overlap (two schedules, a slot running on where the next starts) count as one stretch of opening.
 *
 * @example
 * const hours = [{ weekdays: [{ weekday: 'Monday', content: [{ from: '9:00', to: '17:00' }] }], holidays: [], timezone: '(UTC+00:00) UTC' }]
 * openingState(hours, new Date('2024-01-01T10:00:00Z')) // { open: true, nextChange: 2024-01-01T17:00Z } (a Monday)
 * openingState(hours, new Date('2024-01-01T18:00:00Z')) // { open: false, nextChange: 2024-01-08T09:00Z }
 */
export function openingState(schedules: readonly BusinessHours[] | undefined, now: Date): OpeningState {
  const list: readonly BusinessHours[] = Array.isArray(schedules) ? schedules : []
  const all = list.flatMap((s) => (s && typeof s === 'object' ? intervals(s, now) : []))
  if (all.length === 0) return { open: true }
  const t = now.getTime()
  all.sort((a, b) => a[0] - b[0])
  let end: number | undefined
  for (const [from, to] of all) {
    // Sorted by start: an interval that starts by the current end (or by now) carries the opening on.
    if (from <= (end ?? t) && to > (end ?? t)) end = to
  }
  if (end !== undefined) return { open: true, nextChange: new Date(end) }
  const next = all.find(([from]) => from > t)
  return next ? { open: false, nextChange: new Date(next[0]) } : { open: false }
}
