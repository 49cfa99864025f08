import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  LOCALES,
  directionOf,
  format,
  registerLocale,
  stringsFor,
  type FlowChatStrings,
} from '../src/strings.ts'

const dir = join(import.meta.dirname, '..', 'src', 'locales')
const tags = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))

describe('locale modules', () => {
  it('are the ten of issue 15', () => {
    expect(tags.sort()).toEqual(['ar', 'de', 'es', 'fr', 'it', 'ja', 'pl', 'pt', 'tr', 'zh'])
  })

  for (const tag of tags) {
    it(`${tag}: has every key, non-empty, with the placeholders English has, and valid plural forms`, async () => {
      const strings = ((await import(join(dir, `${tag}.ts`))) as { default: FlowChatStrings }).default
      const en = LOCALES.en!
      expect(Object.keys(strings).sort()).toEqual(Object.keys(en).sort())
      for (const key of Object.keys(en) as (keyof FlowChatStrings)[]) {
        const value = strings[key]
        expect(value.length, `${tag}.${key}`).toBeGreaterThan(0)
        const forms = /^(zero|one|two|few|many|other):/.test(value) ? value.split('|') : [value]
        if (forms.length > 1) {
          for (const form of forms) expect(form, `${tag}.${key}`).toMatch(/^(zero|one|two|few|many|other):/)
          expect(
            forms.some((f) => f.startsWith('other:')),
            `${tag}.${key} has an other form`,
          ).toBe(true)
        }
        // Every placeholder a form uses is one English fills in for this key.
        const known = new Set([...en[key].matchAll(/\{(\w+)\}/g)].map((m) => m[1]))
        for (const [, name] of value.matchAll(/\{(\w+)\}/g)) expect(known, `${tag}.${key}`).toContain(name)
        for (const count of [0, 1, 2, 3, 5, 11, 22, 101]) {
          expect(
            format(value, { count, max: 255, name: 'Bot', time: 'x', reason: 'y', index: 1 }, tag),
          ).not.toMatch(/^(zero|one|two|few|many|other):|\{count\}/)
        }
      }
    })
  }

  it('are what `@flowchat/widget/locales/<tag>.js` imports, in the workspace and in the published package', async () => {
    // The README's `import de from '@flowchat/widget/locales/de.js'`: the exports map must name the subpath, or
    // bundlers and TypeScript refuse it ("not exported") although the files ship.
    const de = await import('@flowchat/widget/locales/de.js')
    expect(de.default.send).toBe('Senden')
    const manifest = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as {
      exports: Record<string, unknown>
      publishConfig: { exports: Record<string, unknown> }
    }
    // tsconfig.build.json compiles src/ into dist/lib/: src/locales/<tag>.ts ships as dist/lib/locales/<tag>.js.
    for (const exports of [manifest.exports, manifest.publishConfig.exports]) {
      expect(exports['./locales/*.js']).toMatchObject({
        types: './dist/lib/locales/*.d.ts',
        default: './dist/lib/locales/*.js',
      })
    }
  })

  it('registers a language for every tag of it, fills missing keys from English, and knows right to left', async () => {
    const de = ((await import(join(dir, 'de.ts'))) as { default: FlowChatStrings }).default
    registerLocale('de', de)
    expect(stringsFor('de-AT').send).toBe('Senden')
    registerLocale('xx', { send: 'Xend' })
    expect(stringsFor('xx').send).toBe('Xend')
    expect(stringsFor('xx').retry).toBe('Retry')
    expect(() => registerLocale('not a tag', de)).toThrow(/not a BCP 47 tag/)
    expect(directionOf('ar-EG')).toBe('rtl')
    expect(directionOf('de')).toBe('ltr')
    const pl = ((await import(join(dir, 'pl.ts'))) as { default: FlowChatStrings }).default
    expect(format(pl.newMessages, { count: 3 }, 'pl')).toBe('3 nowe wiadomości')
    expect(format(pl.newMessages, { count: 5 }, 'pl')).toBe('5 nowych wiadomości')
  })
})
