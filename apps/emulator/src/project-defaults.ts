import type { BusinessHours } from '@flowchat/core/schemas'

const weekday = (name: string) => ({ weekday: name, content: [{ from: '9:00', to: '17:30' }] })

/** Business hours answered when neither the options nor the script configure any. */
export const DEFAULT_BUSINESS_HOURS: BusinessHours[] = [
  {
    weekdays: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'].map(weekday),
    holidays: [{ holiday: 'New Year', date: '2026-12-31T00:00:00.000Z' }],
    label: 'Office hours',
    timezone: '(UTC+01:00) Amsterdam',
  },
]

/** Events with a manual trigger answered when neither the options nor the script configure any. */
export const DEFAULT_TRIGGER_EVENTS = ['WELCOME', 'FEEDBACK', 'FOLLOW_UP']
