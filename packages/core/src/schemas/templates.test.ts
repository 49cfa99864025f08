import { describe, expect, it } from 'vitest'
import { safeParse } from './parse.js'
import {
  decodeTemplate,
  quickReplySchema,
  responseSchema,
  TEMPLATE_TYPES,
  type Response,
} from './templates.js'

const button = { type: 'url', label: 'Open', value: 'https://flow.ai' }
const media = { url: 'https://x/a.png', type: 'image' }

describe('decodeTemplate: every reply template', () => {
  it.each<[string, Response]>([
    ['text', { type: 'text', payload: { text: 'Hello' } }],
    [
      'text with quick replies',
      { type: 'text', payload: { text: 'Pick', quickReplies: [{ label: 'A', value: 'a', type: 'text' }] } },
    ],
    ['image', { type: 'image', payload: { url: 'https://x/a.png', title: 'A' } }],
    [
      'video',
      { type: 'video', payload: { url: 'https://x/a.mp4', thumbnailUrl: 'https://x/t.png', duration: 12 } },
    ],
    ['audio', { type: 'audio', payload: { url: 'https://x/a.mp3', duration: 3 } }],
    ['file', { type: 'file', payload: { url: 'https://x/a.pdf', title: 'Terms' } }],
    ['location', { type: 'location', payload: { lat: '52.37', long: '4.89', title: 'Amsterdam' } }],
    ['card', { type: 'card', payload: { title: 'T', subtitle: 'S', media, buttons: [button] } }],
    [
      'buttons',
      {
        type: 'buttons',
        payload: { title: 'Choose', buttons: [button, { type: 'postback', label: 'Yes', value: 'yes' }] },
      },
    ],
    [
      'carousel',
      {
        type: 'carousel',
        payload: { cards: [{ title: 'One', media, buttons: [button] }, { title: 'Two' }] },
      },
    ],
    [
      'list',
      {
        type: 'list',
        payload: {
          items: [{ title: 'A', subtitle: 'a', media, buttons: [button], featured: true }],
          buttons: [button],
        },
      },
    ],
  ])('%s', (name, response) => {
    const t = decodeTemplate(response)
    expect(t.type).toBe(response.type)
    expect(t.payload).toMatchObject(response.payload as object)
    expect(TEMPLATE_TYPES).toContain(response.type)
    void name
  })

  it('covers exactly the documented types', () => {
    expect([...TEMPLATE_TYPES].sort()).toEqual(
      ['audio', 'buttons', 'card', 'carousel', 'file', 'image', 'list', 'location', 'text', 'video'].sort(),
    )
  })

  it('keeps the delay, and reads a numeric string delay', () => {
    expect(decodeTemplate({ type: 'text', payload: { text: 'a' }, delay: 500 })).toMatchObject({ delay: 500 })
    const r = safeParse(responseSchema, { type: 'text', payload: { text: 'a' }, delay: '750' })
    expect(r.ok && r.value.delay).toBe(750)
  })

  it('reads a response as it arrives: a numeric string delay, a bad one dropped, never throwing on a non-object', () => {
    // A webhook's responses reach decodeTemplate unparsed in plain JavaScript (or through `as`).
    const raw = (v: unknown) => decodeTemplate(v as Response)
    expect(raw({ type: 'text', payload: { text: 'a' }, delay: '750' })).toEqual({
      type: 'text',
      payload: { text: 'a' },
      delay: 750,
    })
    expect(raw({ type: 'text', payload: { text: 'a' }, delay: 'soon' })).toEqual({
      type: 'text',
      payload: { text: 'a' },
    })
    for (const v of [null, undefined, 42, 'text', [], {}, { type: 7, payload: {} }]) {
      expect(raw(v), JSON.stringify(v)).toEqual({
        type: 'other',
        originalType: '',
        payload: undefined,
        reason: 'a response must be an object with a string `type`',
      })
    }
  })

  it('a bad delay is dropped, not a reason to lose the reply', () => {
    const r = safeParse(responseSchema, { type: 'text', payload: { text: 'a' }, delay: 'soon' })
    expect(r.ok && r.value.delay).toBeUndefined()
  })

  it('reads every button type, and unknown button types too', () => {
    const types = [
      'url',
      'phone',
      'postback',
      'event',
      'flow',
      'step',
      'share',
      'login',
      'webview',
      'brand-new',
    ]
    const t = decodeTemplate({
      type: 'buttons',
      payload: {
        buttons: types.map((type) => ({ type, label: type, value: 'v', id: 'i', params: { a: 1 } })),
      },
    })
    expect(t.type === 'buttons' && t.payload.buttons.map((b) => b.type)).toEqual(types)
  })
})

describe('quick replies', () => {
  it.each([
    [{ label: 'Yes' }, { label: 'Yes', value: 'Yes', type: 'text' }],
    [
      { label: 'Yes', value: 'y' },
      { label: 'Yes', value: 'y', type: 'text' },
    ],
    [
      { label: 'Where?', type: 'location' },
      { label: 'Where?', value: 'Where?', type: 'location' },
    ],
    [
      { label: 'Mail', type: 'user_email' },
      { label: 'Mail', value: 'Mail', type: 'user_email' },
    ],
    [{ label: 'Phone', type: 'user_phone_number' }, { type: 'user_phone_number' }],
    [
      { label: 'Go', type: 'event', value: 'GO' },
      { type: 'event', value: 'GO' },
    ],
    [{ label: 'Go', type: 'flow', value: 'f' }, { type: 'flow' }],
    [{ label: 'Go', type: 'step', value: 's' }, { type: 'step' }],
  ])('%j', (input, expected) => {
    const r = safeParse(quickReplySchema, input)
    expect(r.ok && r.value).toMatchObject(expected)
  })

  it('inside a text template, value defaults to the label', () => {
    const t = decodeTemplate({ type: 'text', payload: { text: 'Pick', quickReplies: [{ label: 'Maybe' }] } })
    expect(t.type === 'text' && t.payload.quickReplies).toEqual([
      { label: 'Maybe', value: 'Maybe', type: 'text' },
    ])
  })
})

describe('fallback', () => {
  it.each([
    'custom',
    'note',
    'handover',
    'webview',
    'whatsapp.template',
    'constructor',
    'toString',
    '__proto__',
    'hasOwnProperty',
  ])('an unknown type (%s) becomes other', (type) => {
    const t = decodeTemplate({ type, payload: { anything: 1 } })
    expect(t).toEqual({
      type: 'other',
      originalType: type,
      payload: { anything: 1 },
      reason: 'unsupported type',
    })
  })

  it.each<[string, Response, string]>([
    ['text without text', { type: 'text', payload: { quickReplies: [] } }, 'text: expected string'],
    ['image without url', { type: 'image', payload: { title: 'A' } }, 'url: expected string'],
    ['location without lat', { type: 'location', payload: { long: '1' } }, 'lat: expected string or number'],
    ['buttons without buttons', { type: 'buttons', payload: { title: 'x' } }, 'buttons: expected array'],
    [
      'a button without label',
      { type: 'card', payload: { buttons: [{ type: 'url' }] } },
      'buttons[0].label: expected string',
    ],
    ['carousel without cards', { type: 'carousel', payload: {} }, 'cards: expected array'],
    ['list item not an object', { type: 'list', payload: { items: ['x'] } }, 'items[0]: expected object'],
    [
      'a quick reply without label',
      { type: 'text', payload: { text: 'a', quickReplies: [{}] } },
      'quickReplies[0].label: expected string',
    ],
    ['no payload at all', { type: 'video' }, '(root): expected object'],
  ])('a malformed known type (%s) becomes other, with the reason', (_name, response, reason) => {
    const t = decodeTemplate(response)
    expect(t).toMatchObject({ type: 'other', originalType: response.type, reason })
  })
})
