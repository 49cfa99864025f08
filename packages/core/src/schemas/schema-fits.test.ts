import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import * as z from 'zod/mini'
import type { FixtureEntry } from '../../test/fixtures/extract.js'
import { seededRandom } from '../client/test-doubles.js'
import * as schemas from './index.js'
import { mutate } from './json-mutations-test-support.js'
import { schemaFits } from './schema-fits.js'
import { webhookDataSchemas } from './webhook.js'

const dir = join(import.meta.dirname, '../../test/fixtures')
const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as FixtureEntry[]
const fixtures: unknown[] = index.map((e) => {
  const value = JSON.parse(readFileSync(join(dir, e.file), 'utf8')) as Record<string, unknown>
  return e.at ? value[e.at] : value
})
// The payloads inside the fixtures too (a sync answer's `result`, a send's `payload`): the shapes webhooks carry.
const inner: unknown[] = fixtures.flatMap((f): unknown[] =>
  typeof f === 'object' && f !== null
    ? Object.values(f).filter((v) => typeof v === 'object' && v !== null)
    : [],
)
const seeds = [...fixtures, ...inner, {}, [], 'x', 1, null]

/** Every zod schema the package exports, and the webhook data schemas it keeps inside. */
const all: [string, z.ZodMiniType][] = [
  ...Object.entries(schemas).filter(([, v]) => typeof v === 'object' && v !== null && '_zod' in v),
  ...Object.entries(webhookDataSchemas).map(([kind, s]) => [`webhook data of ${kind}`, s] as const),
] as [string, z.ZodMiniType][]

/** zod's answer, or the error it threw (a transform may throw on what it was never meant to see). */
const zodAnswer = (schema: z.ZodMiniType, v: unknown) => {
  try {
    return z.safeParse(schema, v).success
  } catch (error) {
    return `throws ${String(error)}`
  }
}
const fitsAnswer = (schema: z.ZodMiniType, v: unknown) => {
  try {
    return schemaFits(schema)(v)
  } catch (error) {
    return `throws ${String(error)}`
  }
}

describe('schemaFits gives the answer of z.safeParse', () => {
  it('covers the exported schemas and every webhook kind', () => {
    expect(all.length).toBeGreaterThan(40)
  })

  it.each(all)('%s, over every fixture and 3,000 seeded mutations of them', (name, schema) => {
    const random = seededRandom(name.length * 7919 + 17)
    let accepted = 0
    let refused = 0
    const check = (v: unknown) => {
      const expected = zodAnswer(schema, v)
      const got = fitsAnswer(schema, v)
      if (got !== expected)
        expect.fail(`${name}: schemaFits ${String(got)}, zod ${String(expected)} for ${JSON.stringify(v)}`)
      if (expected === true) accepted++
      else refused++
    }
    seeds.forEach(check)
    for (let i = 0; i < 3000; i++) check(mutate(pick(random, seeds), random, 1 + Math.floor(random() * 3)))
    // Mutations of the values a schema accepts: both answers must have come up, or the comparison proves little.
    const own = seeds.filter((s) => zodAnswer(schema, s) === true)
    for (let i = 0; i < 1000 && own.length > 0; i++) check(mutate(pick(random, own), random, 1))
    expect(refused).toBeGreaterThan(0)
    if (own.length > 0) expect(accepted).toBeGreaterThan(100)
  })

  it('counts characters as the schema does at a string limit (UTF-16 units, by maxChars)', () => {
    const traceId = schemaFits(schemas.traceIdSchema)
    for (const [id, fits] of [
      ['😀'.repeat(64), true],
      ['😀'.repeat(65), false],
      ['😀'.repeat(128), false],
    ] as const) {
      expect(traceId(id), id).toBe(fits)
      expect(z.safeParse(schemas.traceIdSchema, id).success, id).toBe(fits)
    }
  })

  it('reads a thread id by every rule of the one thread id schema', () => {
    const fits = schemaFits(schemas.threadIdSchema)
    for (const id of ['', '.', '..', 'a\u0000', 'a\ud800', '\udc00b', 'x'.repeat(257), 1, null])
      expect(fits(id), String(id)).toBe(false)
    for (const id of ['t1', '...', 'a|o_b', 'a😀', 'x'.repeat(256)]) expect(fits(id), id).toBe(true)
  })

  it('a required key must be present, an optional or defaulted one may be missing', () => {
    const schema = z.looseObject({ a: z.unknown(), b: z.optional(z.string()), c: z._default(z.number(), 1) })
    const fits = schemaFits(schema)
    for (const v of [
      { a: 1 },
      {},
      { a: undefined },
      { a: 1, b: 2 },
      { a: 1, c: 'x' },
      { a: null, b: 'x', c: 2 },
    ]) {
      expect(fits(v), JSON.stringify(v)).toBe(z.safeParse(schema, v).success)
    }
    expect(fits({})).toBe(false)
  })

  it('hands what it does not walk to zod whole (strict objects, records)', () => {
    const strict = schemaFits(z.strictObject({ a: z.string() }))
    expect(strict({ a: 'x' })).toBe(true)
    expect(strict({ a: 'x', b: 1 })).toBe(false)
    const record = schemaFits(z.record(z.string(), z.number()))
    expect(record({ a: 1 })).toBe(true)
    expect(record({ a: 'x' })).toBe(false)
  })
})

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)] as T
}
