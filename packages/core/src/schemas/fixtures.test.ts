import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import * as z from 'zod/mini'
import type { FixtureEntry } from '../../test/fixtures/extract.js'
import * as schemas from './index.js'

const dir = join(import.meta.dirname, '../../test/fixtures')
const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as FixtureEntry[]
const read = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>

/** The references send `{}` to pause, resume, take over and trigger: any JSON object. */
const emptyBody = z.looseObject({})
const schemaNamed = (name: string): z.ZodMiniType =>
  name === 'emptyBody' ? emptyBody : (schemas as unknown as Record<string, z.ZodMiniType>)[name]!

describe('every JSON example of both references parses', () => {
  it('index.json lists every fixture file, and both references have all of theirs', () => {
    const files = ['current', 'older'].flatMap((ref) => readdirSync(join(dir, ref)).map((f) => `${ref}/${f}`))
    expect(index.map((e) => e.file).sort()).toEqual(files.sort())
    // 3 originator examples, 4 sends × 2, then the current reference's 20 more (threads, takeover,
    // handover, triggers…) against the older one's 10, and 4 messages in each browser example.
    expect(index.filter((e) => e.reference === 'current')).toHaveLength(35)
    expect(index.filter((e) => e.reference === 'older')).toHaveLength(25)
  })

  it.each(index.map((e) => [e.file, e] as const))('%s', (_file, entry) => {
    const schema = schemaNamed(entry.schema)
    expect(schema, entry.schema).toBeDefined()
    const value = read(entry.file)
    const r = schemas.safeParse(schema, entry.at ? value[entry.at] : value)
    expect(r.ok ? 'ok' : r.error).toBe('ok')
  })

  it('cleaned only what the README lists: `...` elisions, trailing commas, the handover braces', () => {
    const cleaned = new Set(index.flatMap((e) => e.cleaned ?? []))
    expect([...cleaned].sort()).toEqual([
      'removed elided `...` lines',
      'removed the extra braces around the handover body',
      'removed trailing commas',
    ])
    expect(read('current/post-handover.request.json')).toStrictEqual({ secondsToPause: 600 })
    expect(read('current/get-businesshours.response.json')).toStrictEqual({ status: 'ok' })
  })

  it('request examples encode back to themselves (the writer sends the documented form)', () => {
    for (const entry of index.filter((e) => e.schema === 'messageRequestSchema')) {
      const { payload } = read(entry.file) as { payload: Record<string, unknown> }
      const { type, speech, mimetype, ...rest } = payload
      const input = (
        type === 'text'
          ? { ...rest, type, text: speech }
          : { ...rest, type, ...(mimetype ? { mimeType: mimetype } : {}) }
      ) as schemas.MessageInput
      const encoded = schemas.encodeMessage(input)
      const expected = mimetype === undefined ? payload : { ...rest, type, mimeType: mimetype }
      expect(encoded.ok && encoded.value.payload, entry.file).toStrictEqual(expected)
    }
  })
})
