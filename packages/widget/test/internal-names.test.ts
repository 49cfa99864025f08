// The names the single file's minifier renames beyond `_`-prefixed ones (scripts/internal-names.ts) must stay the
// widget's own: a name core also used, or a strings placeholder, would be renamed on one side of a boundary only.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { WIDGET_CONTROLLER_NAMES } from '../scripts/internal-names.ts'
import { LOCALES, type FlowChatStrings } from '../src/strings.ts'

const coreSrc = fileURLToPath(new URL('../../core/src', import.meta.url))

/**
 * Core's code, without comments and tests: where a property name would be read or written. Not its REST client
 * (`rest/`), which holds the API key and never runs in a browser: the single file has none of it.
 */
function coreCode(): string {
  return readdirSync(coreSrc, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.includes('test') && !f.startsWith('rest'))
    .map((f) => readFileSync(join(coreSrc, f), 'utf8'))
    .join('\n')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1')
}

describe('the names the single file renames (scripts/internal-names.ts)', () => {
  it('are used as properties nowhere in @flowchat/core', () => {
    const code = coreCode()
    // Read or written as `x.name` / `x?.name` (not a spread `...name`), or an object's or type's key `{ name: …` / `, name?: …`.
    const used = WIDGET_CONTROLLER_NAMES.filter((name) =>
      new RegExp(`(?<!\\.\\.)\\.${name}\\b|[{,]\\s*${name}\\??:`).test(code),
    )
    expect(used).toEqual([])
  })

  it('are no placeholder of any built-in string', () => {
    const texts: string[] = Object.values(LOCALES).flatMap(
      (s: FlowChatStrings) => Object.values(s) as string[],
    )
    const placeholders = new Set(texts.flatMap((t) => [...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1])))
    expect(placeholders.size).toBeGreaterThan(3)
    expect(WIDGET_CONTROLLER_NAMES.filter((name) => placeholders.has(name))).toEqual([])
  })
})
