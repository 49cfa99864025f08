// Seeded JSON mutations for the tests that hold two decoders to one answer (schema-fits, webhook-head): from
// valid values, bodies that are still valid, barely invalid, or odd in the ways hostile input is.

/** Values that sit on the edges of the schemas' rules: types, empty and long strings, ids, code points. */
const ODD_VALUES: readonly unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e300,
  '',
  ' ',
  'x',
  '0',
  '12',
  '1a',
  '.',
  '..',
  'text',
  'a\u0000b',
  'a\u001fb',
  'a\u007fb',
  'a\nb',
  'x'.repeat(128),
  'x'.repeat(129),
  'x'.repeat(200),
  'x'.repeat(201),
  'x'.repeat(256),
  'x'.repeat(257),
  // Two UTF-16 units per code point: zod counts code points, so these sit on either side of a limit.
  '😀'.repeat(128),
  '😀'.repeat(129),
  '😀'.repeat(256),
  '😀'.repeat(257),
  [],
  [null],
  [''],
  ['x'],
  [{}],
  {},
  { type: 'text' },
  { type: 'text', payload: { text: 'hi' } },
  { label: 'x' },
  { url: 'https://x/y.png' },
  { weekday: 'Monday' },
  { from: '10:00', to: '11:00' },
  { date: '2024-01-01' },
  { responses: [] },
  { name: 'a', role: 'bot' },
]

/** Keys the schemas declare somewhere, so an added key often lands where a rule reads it. */
const KEYS: readonly string[] = [
  'threadId',
  'traceId',
  'type',
  'payload',
  'result',
  'status',
  'messages',
  'responses',
  'fallback',
  'replyTo',
  'contexts',
  'params',
  'intents',
  'createdAt',
  'meta',
  'msgId',
  'originator',
  'name',
  'role',
  'profile',
  'metadata',
  'timezone',
  'channelName',
  'history',
  'page',
  'pages',
  'threads',
  'items',
  'businessHours',
  'weekdays',
  'weekday',
  'content',
  'from',
  'to',
  'holidays',
  'holiday',
  'date',
  'label',
  'isPaused',
  'isPaued',
  'secondsToPause',
  'delay',
  'text',
  'quickReplies',
  'value',
  'url',
  'title',
  'duration',
  'lat',
  'long',
  'media',
  'buttons',
  'cards',
  'featured',
  'event',
  'query',
  'speech',
]

type Json = unknown
type Slot = { parent: Record<string, Json> | Json[]; key: string | number }

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)] as T

/** Every place a value sits in `root` (object keys and array items), depth first. */
function slots(root: Json): Slot[] {
  const out: Slot[] = []
  const walk = (v: Json) => {
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        out.push({ parent: v, key: i })
        walk(item)
      })
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, item] of Object.entries(v)) {
        out.push({ parent: v as Record<string, Json>, key: k })
        walk(item)
      }
    }
  }
  walk(root)
  return out
}

function containers(root: Json): (Record<string, Json> | Json[])[] {
  const out: (Record<string, Json> | Json[])[] = []
  const walk = (v: Json) => {
    if (Array.isArray(v)) {
      out.push(v)
      v.forEach(walk)
    } else if (typeof v === 'object' && v !== null) {
      out.push(v as Record<string, Json>)
      Object.values(v).forEach(walk)
    }
  }
  walk(root)
  return out
}

/**
 * A copy of `value` with `count` random changes: a value replaced by an odd one, a key deleted, a key added
 * (one the schemas know, with an odd value), an array item dropped or doubled, or a value swapped for another
 * value found elsewhere in the document. The result is what `JSON.parse` could return.
 *
 * @example
 * const next = seededRandom(7)
 * mutate({ threadId: 't1' }, next, 2)
 */
export function mutate(value: Json, random: () => number, count: number): Json {
  let root = structuredClone(value)
  for (let n = 0; n < count; n++) {
    const all = slots(root)
    const roll = random()
    if (all.length === 0 || roll < 0.05) {
      root = structuredClone(pick(random, ODD_VALUES))
      continue
    }
    const slot = pick(random, all)
    const { parent, key } = slot
    if (roll < 0.45) {
      ;(parent as Record<string | number, Json>)[key] = structuredClone(pick(random, ODD_VALUES))
    } else if (roll < 0.6) {
      if (Array.isArray(parent)) parent.splice(key as number, 1)
      else delete parent[key as string]
    } else if (roll < 0.8) {
      const target = pick(random, containers(root))
      const odd = structuredClone(pick(random, ODD_VALUES))
      if (Array.isArray(target)) target.push(odd)
      else target[pick(random, KEYS)] = odd
    } else if (roll < 0.9) {
      const elsewhere = pick(random, all)
      const moved = (elsewhere.parent as Record<string | number, Json>)[elsewhere.key]
      ;(parent as Record<string | number, Json>)[key] = structuredClone(moved)
    } else if (Array.isArray(parent)) {
      parent.push(structuredClone(parent[key as number]))
    } else {
      parent[pick(random, KEYS)] = structuredClone(parent[key as string])
    }
  }
  // Through JSON: exactly what a server parses (no undefined, no shared references).
  return JSON.parse(JSON.stringify(root) ?? 'null') as Json
}
