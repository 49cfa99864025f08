import { describe, expect, it } from 'vitest'
import { safeParse } from './parse.js'
import { encodeMessage, handoverRequestSchema, messageRequestSchema, type MessageInput } from './requests.js'

const originator = { name: 'John Doe', role: 'external' }
const profile = {
  fullName: 'John Doe',
  firstName: 'John',
  lastName: 'Doe',
  gender: 'M',
  locale: 'en-US',
  timezone: -5,
  country: 'us',
  email: 'johndoe@dmail.com',
  picture: 'https://example.com/p.png',
  language: 'en',
  phoneNumber: '+31612345678',
}
const parse = (payload: Record<string, unknown>) => safeParse(messageRequestSchema, { payload })

describe('messageRequestSchema reads every documented variant', () => {
  it.each([
    ['text as `speech`', { type: 'text', speech: 'hello', originator }, { speech: 'hello' }],
    ['text as `text` (the argument table)', { type: 'text', text: 'hello', originator }, { speech: 'hello' }],
    ['event', { type: 'event', eventName: 'MY_EVENT', originator }, { eventName: 'MY_EVENT' }],
    [
      'location, string lat/long',
      { type: 'location', lat: '12.3', long: '3.21', originator },
      { lat: '12.3', long: '3.21' },
    ],
    [
      'location, numeric lat/long',
      { type: 'location', lat: 12.3, long: -3.21, originator },
      { lat: '12.3', long: '-3.21' },
    ],
    [
      'location with title',
      { type: 'location', lat: '1', long: '2', title: 'Example title', originator },
      { title: 'Example title' },
    ],
    [
      'media with `mimetype`',
      { type: 'media', mediaType: 'image', url: 'https://x/a.png', mimetype: 'image/png', originator },
      { mimeType: 'image/png' },
    ],
    [
      'media with `mimeType` and title',
      {
        type: 'media',
        mediaType: 'video',
        url: 'https://x/a.mp4',
        mimeType: 'video/mp4',
        title: 'Clip',
        originator,
      },
      { mimeType: 'video/mp4', title: 'Clip' },
    ],
    [
      'media of every mediaType: file',
      { type: 'media', mediaType: 'file', url: 'u', originator },
      { mediaType: 'file' },
    ],
    [
      'media of every mediaType: audio',
      { type: 'media', mediaType: 'audio', url: 'u', originator },
      { mediaType: 'audio' },
    ],
    [
      'media without url (a multipart upload)',
      { type: 'media', mediaType: 'image', originator },
      { mediaType: 'image' },
    ],
    [
      'numeric traceId, read as a string',
      { type: 'text', speech: 'a', traceId: 12345, originator },
      { traceId: '12345' },
    ],
    ['string traceId', { type: 'text', speech: 'a', traceId: 'abc-1', originator }, { traceId: 'abc-1' }],
    [
      'lang, timezone and params',
      { type: 'text', speech: 'a', lang: 'en', timezone: 2, params: { a: [1] }, originator },
      { lang: 'en', timezone: 2, params: { a: [1] } },
    ],
    [
      'every profile field and metadata',
      {
        type: 'text',
        speech: 'a',
        originator: { ...originator, profile, metadata: { clientNumber: 'x', preference: 'A,B,G' } },
      },
      { originator: { ...originator, profile, metadata: { clientNumber: 'x', preference: 'A,B,G' } } },
    ],
    [
      'a moderator',
      { type: 'text', speech: 'a', originator: { name: 'Agent', role: 'moderator' } },
      { originator: { name: 'Agent', role: 'moderator' } },
    ],
    ['extra fields kept', { type: 'text', speech: 'a', originator, future: true }, { future: true }],
  ])('%s', (_name, payload, expected) => {
    const r = parse(payload)
    expect(r.ok ? 'ok' : r.error).toBe('ok')
    if (r.ok) expect(r.value.payload).toMatchObject(expected)
  })

  it.each([
    [
      'text over 255 characters',
      { type: 'text', speech: 'x'.repeat(256), originator },
      'payload.speech',
      'must be at most 255 characters',
    ],
    [
      '`text` over 255 characters',
      { type: 'text', text: 'x'.repeat(256), originator },
      'payload.text',
      'must be at most 255 characters',
    ],
    [
      'text without speech or text',
      { type: 'text', originator },
      'payload.speech',
      'a text message needs `speech` (or `text`)',
    ],
    ['empty speech', { type: 'text', speech: '', originator }, 'payload.speech', 'must not be empty'],
    [
      'empty event name',
      { type: 'event', eventName: '', originator },
      'payload.eventName',
      'must not be empty',
    ],
    ['missing event name', { type: 'event', originator }, 'payload.eventName', 'expected string'],
    [
      'location without long',
      { type: 'location', lat: '1', originator },
      'payload.long',
      'expected string or number',
    ],
    [
      'unknown mediaType',
      { type: 'media', mediaType: 'gif', originator },
      'payload.mediaType',
      'must be "image" or "file" or "audio" or "video"',
    ],
    [
      'unknown message type',
      { type: 'sticker', originator },
      'payload.type',
      'must be one of text, event, location, media',
    ],
    ['no originator', { type: 'text', speech: 'a' }, 'payload.originator', 'expected object'],
    [
      'originator role bot',
      { type: 'text', speech: 'a', originator: { name: 'x', role: 'bot' } },
      'payload.originator.role',
      'must be "external" or "moderator"',
    ],
    [
      'profile timezone as text',
      { type: 'text', speech: 'a', originator: { ...originator, profile: { timezone: 'CET' } } },
      'payload.originator.profile.timezone',
      'expected number',
    ],
  ])('rejects %s', (_name, payload, path, message) => {
    const r = parse(payload)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.issues[0]).toEqual({ path, message })
  })

  it('accepts exactly 255 characters (counted in UTF-16 units, as Flow.ai does in JS)', () => {
    expect(parse({ type: 'text', speech: 'x'.repeat(255), originator }).ok).toBe(true)
  })

  it('counts UTF-16 units, not code points: 128 emoji are 256 (zod counts them 128)', () => {
    const emoji = '\u{1F600}'.repeat(128)
    expect(emoji.length).toBe(256)
    for (const payload of [
      { type: 'text', speech: emoji, originator },
      { type: 'event', eventName: emoji, originator },
    ]) {
      const r = parse(payload)
      expect(r.ok, payload.type).toBe(false)
      if (!r.ok) expect(r.issues).toHaveLength(1)
    }
    const input: MessageInput = { type: 'text', text: emoji, originator: { name: 'A', role: 'external' } }
    expect(encodeMessage(input)).toMatchObject({
      ok: false,
      error: 'payload.speech: must be at most 255 characters',
    })
    expect(parse({ type: 'text', speech: '\u{1F600}'.repeat(127) + 'x', originator }).ok).toBe(true)
  })
})

describe('encodeMessage writes the documented form', () => {
  const base = { originator: { name: 'John Doe', role: 'external' as const } }
  it.each<[string, MessageInput, Record<string, unknown>]>([
    [
      'text as `speech`',
      { ...base, type: 'text', text: 'Hello' },
      { type: 'text', speech: 'Hello', ...base },
    ],
    [
      'event',
      { ...base, type: 'event', eventName: 'MY_EVENT' },
      { type: 'event', eventName: 'MY_EVENT', ...base },
    ],
    [
      'location with string coordinates',
      { ...base, type: 'location', lat: 52.37, long: 4.89, title: 'Amsterdam' },
      { type: 'location', lat: '52.37', long: '4.89', title: 'Amsterdam', ...base },
    ],
    [
      'media with `mimeType`',
      { ...base, type: 'media', mediaType: 'image', url: 'https://x/a.png', mimeType: 'image/png' },
      { type: 'media', mediaType: 'image', url: 'https://x/a.png', mimeType: 'image/png', ...base },
    ],
    [
      'traceId, lang, timezone, params as given',
      { ...base, type: 'text', text: 'a', traceId: 7, lang: 'nl', timezone: 1, params: { k: 'v' } },
      { type: 'text', speech: 'a', traceId: 7, lang: 'nl', timezone: 1, params: { k: 'v' }, ...base },
    ],
  ])('%s', (_name, input, payload) => {
    expect(encodeMessage(input)).toStrictEqual({ ok: true, value: { payload } })
  })

  it('drops unknown originator fields (strict writer)', () => {
    const r = encodeMessage({
      type: 'text',
      text: 'a',
      originator: { name: 'A', role: 'external', x: 1 } as never,
    })
    expect(r.ok && r.value.payload.originator).toStrictEqual({ name: 'A', role: 'external' })
  })

  it.each<[string, MessageInput, string]>([
    ['text over 255', { ...base, type: 'text', text: 'é'.repeat(256) }, 'payload.speech'],
    ['empty event name', { ...base, type: 'event', eventName: '' }, 'payload.eventName'],
    ['media without url', { ...base, type: 'media', mediaType: 'image', url: '' }, 'payload.url'],
    [
      'an originator without name',
      { type: 'text', text: 'a', originator: { name: '', role: 'external' } },
      'payload.originator.name',
    ],
    ['an unknown type', { ...base, type: 'sticker' } as unknown as MessageInput, 'payload.type'],
    // String() would have sent these as "NaN", "Infinity", "undefined" and "[object Object]".
    ['lat NaN', { ...base, type: 'location', lat: Number.NaN, long: 4.89 }, 'payload.lat'],
    ['long Infinity', { ...base, type: 'location', lat: 52.37, long: Infinity }, 'payload.long'],
    ['a missing lat', { ...base, type: 'location', long: 4.89 } as unknown as MessageInput, 'payload.lat'],
    [
      'an object as long',
      { ...base, type: 'location', lat: 52.37, long: {} } as unknown as MessageInput,
      'payload.long',
    ],
    ['an empty lat', { ...base, type: 'location', lat: '', long: '4.89' }, 'payload.lat'],
  ])('fails on %s', (_name, input, path) => {
    const r = encodeMessage(input)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.issues[0]!.path).toBe(path)
  })

  it('refuses a message that is not an object, naming the payload, instead of throwing', () => {
    for (const input of [null, undefined, 42, 'hello', []]) {
      expect(encodeMessage(input as unknown as MessageInput), String(input)).toEqual({
        ok: false,
        issues: [{ path: 'payload', message: 'a message must be an object' }],
        error: 'payload: a message must be an object',
      })
    }
  })

  it('a media upload message needs no url', () => {
    const r = encodeMessage({ ...base, type: 'media', mediaType: 'file' }, { upload: true })
    expect(r).toStrictEqual({ ok: true, value: { payload: { type: 'media', mediaType: 'file', ...base } } })
  })
})

describe('handoverRequestSchema', () => {
  it.each([
    [{ secondsToPause: 600 }, true],
    [{}, true],
    [{ secondsToPause: 0 }, false],
    [{ secondsToPause: 1.5 }, false],
    [{ secondsToPause: '600' }, false],
  ])('%j → %s', (body, ok) => {
    expect(safeParse(handoverRequestSchema, body).ok).toBe(ok)
  })
})
