import { describe, expect, it } from 'vitest'
import { mapUrl, safeLinkUrl, safeSourceUrl, telUrl } from '../src/safe-url.ts'
import { format, stringsFor } from '../src/strings.ts'

describe('safe URLs', () => {
  it('allows http(s), mailto and tel links and nothing else', () => {
    expect(safeLinkUrl('https://flow.ai/a?b=1')).toBe('https://flow.ai/a?b=1')
    expect(safeLinkUrl('mailto:a@b.c')).toBe('mailto:a@b.c')
    expect(safeLinkUrl('tel:+31 20 123 4567')).toBe('tel:+31201234567')
    for (const bad of [
      'javascript:alert(1)',
      ' JAVASCRIPT:x',
      'java\nscript:x',
      'data:text/html,x',
      'vbscript:x',
      'file:///etc',
      'blob:https://a/b',
      '//evil.example/x',
      '/relative/path',
      'javascript&colon;alert(1)',
      'tel:27 junk',
      'tel:javascript',
    ]) {
      expect(safeLinkUrl(bad), bad).toBeUndefined()
    }
    expect(safeLinkUrl(42)).toBeUndefined()
    expect(safeLinkUrl('x'.repeat(5000))).toBeUndefined()
  })

  it('allows http(s) and blob sources only', () => {
    expect(safeSourceUrl('blob:https://a.example/1')).toBe('blob:https://a.example/1')
    expect(safeSourceUrl('data:image/png;base64,AAAA')).toBeUndefined()
    expect(safeSourceUrl('mailto:a@b.c')).toBeUndefined()
    expect(safeSourceUrl('//evil.example/x.png')).toBeUndefined()
  })

  it('makes tel: and map links from untrusted values', () => {
    expect(telUrl('+31 (20) 123-4567')).toBe('tel:+31201234567')
    expect(telUrl('javascript:')).toBeUndefined()
    for (const junk of ['27 junk', 'call me', '12', '+', '1'.repeat(16)])
      expect(telUrl(junk), junk).toBeUndefined()
    expect(mapUrl('52.1', 4)).toBe('https://www.openstreetmap.org/?mlat=52.1&mlon=4#map=16/52.1/4')
    expect(mapUrl('91', '0')).toBeUndefined()
    expect(mapUrl('1;alert(1)', '0')).toBeUndefined()
  })
})

describe('strings', () => {
  it('picks the locale by language, falls back to English and takes overrides', () => {
    expect(stringsFor('nl-BE').send).toBe('Versturen')
    expect(stringsFor('xx').send).toBe('Send')
    expect(stringsFor('en', { send: 'Go', retry: 5 as unknown as string }).send).toBe('Go')
    expect(stringsFor('en', { retry: 5 as unknown as string }).retry).toBe('Retry')
    expect(format('{count} unread, {x}', { count: 2 })).toBe('2 unread, {x}')
  })
})
