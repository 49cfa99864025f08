import { describe, expect, it } from 'vitest'
import { safeParse } from '../schemas/parse.js'
import { sendMessageBodySchema } from './send-message-body.js'

describe('sendMessageBodySchema', () => {
  it('accepts an event with a label (what the visitor clicked) of up to 255 characters', () => {
    const body = { type: 'event', eventName: 'SHOW_MENU', label: 'x'.repeat(255) }
    expect(safeParse(sendMessageBodySchema, body)).toEqual({ ok: true, value: body })
    expect(safeParse(sendMessageBodySchema, { type: 'event', eventName: 'E' }).ok).toBe(true)
  })

  it('names the label when it is too long, empty or not a string', () => {
    for (const label of ['x'.repeat(256), '', 7]) {
      const parsed = safeParse(sendMessageBodySchema, { type: 'event', eventName: 'E', label })
      expect(parsed.ok).toBe(false)
      if (!parsed.ok) expect(parsed.error).toMatch(/^label: /)
    }
  })

  it('counts characters as the client does (UTF-16 units): 128 emoji are 256, one too many for a text', () => {
    const emoji = '\u{1F600}'.repeat(128)
    for (const body of [
      { type: 'text', text: emoji },
      { type: 'event', eventName: 'E', label: emoji },
    ]) {
      const parsed = safeParse(sendMessageBodySchema, body)
      expect(parsed.ok, body.type).toBe(false)
      if (!parsed.ok) expect(parsed.issues).toHaveLength(1)
    }
    expect(safeParse(sendMessageBodySchema, { type: 'text', text: emoji.slice(2) }).ok).toBe(true)
  })

  it('keeps the label to events: another type drops it, as it drops any unknown field', () => {
    const parsed = safeParse(sendMessageBodySchema, { type: 'text', text: 'Hi', label: 'Hi' })
    expect(parsed).toEqual({ ok: true, value: { type: 'text', text: 'Hi' } })
  })
})
