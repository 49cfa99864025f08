import { describe, expect, it } from 'vitest'
import { parseWebhookEvent } from './webhook.js'

describe('parseWebhookEvent', () => {
  it.each([
    ['message', 'reply'],
    ['message.reply', 'reply'],
    ['control.pause', 'paused'],
    ['isPaused', 'botStatus'],
  ])('decodes %s as %s', (type, kind) => {
    const r = parseWebhookEvent({ type, payload: { threadId: 't|o_1', isPaued: true } })
    expect(r.ok && r.value.kind).toBe(kind)
  })
  it('keeps an unknown type with its body', () => {
    const body = { type: 'brand.new', payload: { threadId: 't1', x: 1 } }
    const r = parseWebhookEvent(body)
    expect(r).toMatchObject({
      ok: true,
      value: { kind: 'unknown', type: 'brand.new', threadId: 't1', raw: body },
    })
  })
})
