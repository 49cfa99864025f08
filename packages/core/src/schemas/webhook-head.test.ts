import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { FixtureEntry } from '../../test/fixtures/extract.js'
import { seededRandom } from '../client/test-doubles.js'
import { mutate } from './json-mutations-test-support.js'
import { decodeWebhookHead } from './webhook-head.js'
import { parseWebhookEvent, WEBHOOK_TYPES } from './webhook.js'

const THREAD = 'a4ad8a025763451da6f15f2b50991651|o_21361542-a262-4aaa-8edb-0f8f88e07d89'
const reply = {
  threadId: THREAD,
  traceId: 'trace-9',
  channelName: 'rest',
  originator: { name: 'Bot', role: 'bot', profile: { picture: 'https://x/bot.png' }, metadata: { a: 1 } },
  createdAt: '2019-06-25T12:45:11.857Z',
  messages: [
    {
      fallback: 'Hello',
      responses: [
        { type: 'text', payload: { text: 'Hello', quickReplies: [{ label: 'Hi' }] }, delay: '500' },
        {
          type: 'card',
          payload: { title: 'T', buttons: [{ type: 'url', label: 'Go', value: 'https://x' }] },
        },
      ],
      meta: { msgId: 'm1', createdAt: 1561466711857 },
    },
  ],
}
const payloads: Record<string, unknown>[] = [
  reply,
  {
    history: [{ originator: { name: 'v', role: 'user' }, messages: [{ fallback: 't', responses: [] }] }],
    page: '3',
  },
  { threads: [THREAD], page: '1', pages: 100 },
  { items: ['EVENT 1'] },
  {
    businessHours: [
      {
        weekdays: [{ weekday: 'Monday', content: [{ from: '10:00', to: '22:22' }] }],
        holidays: [],
        label: 'BH',
      },
    ],
  },
  { threadId: THREAD, secondsToPause: 600 },
  { threadId: THREAD, isPaued: true },
  { threadId: THREAD, traceId: 1234 },
  { status: 'ok', result: { threadId: THREAD, messages: [] } },
  { threadId: THREAD, messages: [], result: { threadId: 'other' } },
]
// The sync answers of both references: the `result` a webhook of the same name carries.
const dir = join(import.meta.dirname, '../../test/fixtures')
const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as FixtureEntry[]
for (const e of index.filter((e) => e.role === 'response')) {
  payloads.push(JSON.parse(readFileSync(join(dir, e.file), 'utf8')) as Record<string, unknown>)
}
const types = [
  ...Object.keys(WEBHOOK_TYPES.current),
  ...Object.keys(WEBHOOK_TYPES.legacy),
  'brand.new',
  'toString',
  '__proto__',
]
/** Every type with every payload, in the three shapes the decoders read: wrapped, flat, and `result`. */
const bodies: unknown[] = types.flatMap((type) =>
  payloads.flatMap((payload) => [
    { type, payload },
    { ...payload, type },
    { type, payload: { status: 'ok', result: payload } },
  ]),
)

/** Both decoders' answers, reduced to what the head carries. */
type Answer = {
  ok: boolean
  kind?: string
  type?: string
  threadId?: string
  error?: string
  issues?: unknown
}

function answers(body: unknown): { expected: Answer; got: Answer } {
  const full = parseWebhookEvent(body)
  const head = decodeWebhookHead(body)
  const expected = full.ok
    ? {
        ok: true,
        kind: full.value.kind,
        type: full.value.type,
        ...(full.value.threadId === undefined ? {} : { threadId: full.value.threadId }),
      }
    : { ok: false, error: full.error, issues: full.issues }
  const got = head.ok ? { ok: true, ...head.value } : { ok: false, error: head.error, issues: head.issues }
  return { expected, got }
}

describe('decodeWebhookHead decides as parseWebhookEvent does', () => {
  it(`every type with every payload, wrapped, flat and in a result (${bodies.length} bodies)`, () => {
    const kinds = new Set<string>()
    for (const body of bodies) {
      const { expected, got } = answers(body)
      expect(got, JSON.stringify(body)).toEqual(expected)
      if (expected.ok) kinds.add(expected.kind as string)
    }
    // Every kind came up, `unknown` included: the table exercised each kind's schema both ways.
    expect(kinds.size).toBe(14)
  })

  it('20,000 seeded mutations of those bodies: same failure, message and path, or same kind and thread', () => {
    const random = seededRandom(16)
    const seen = { failed: 0, unknown: 0, known: 0, thread: 0 }
    for (let i = 0; i < 20_000; i++) {
      const body = mutate(bodies[Math.floor(random() * bodies.length)], random, 1 + Math.floor(random() * 3))
      const { expected, got } = answers(body)
      if (JSON.stringify(got) !== JSON.stringify(expected))
        expect(got, JSON.stringify(body)).toEqual(expected)
      if (!expected.ok) seen.failed++
      else if (expected.kind === 'unknown') seen.unknown++
      else seen.known++
      if ('threadId' in expected) seen.thread++
    }
    // Each outcome came up often: the generator tests the decisions, not one branch of them.
    for (const [outcome, count] of Object.entries(seen)) expect(count, outcome).toBeGreaterThan(500)
  })

  it('reads the failures of a body that is not an event alike', () => {
    for (const body of [
      'hello',
      [1],
      null,
      { payload: {} },
      { type: '' },
      { type: 'x'.repeat(201) },
      { type: 7 },
    ]) {
      const { expected, got } = answers(body)
      expect(got.ok).toBe(false)
      expect(got).toEqual(expected)
    }
  })

  it('a known type whose payload does not fit is unknown, with its valid thread id', () => {
    const r = decodeWebhookHead({ type: 'message', payload: { threadId: THREAD, messages: 'not a list' } })
    expect(r).toEqual({ ok: true, value: { kind: 'unknown', type: 'message', threadId: THREAD } })
  })

  it('leaves out an invalid thread id, as the full decoder does', () => {
    const r = decodeWebhookHead({ type: 'control.pause', payload: { threadId: 'a\nb' } })
    expect(r).toEqual({ ok: true, value: { kind: 'unknown', type: 'control.pause' } })
  })
})
