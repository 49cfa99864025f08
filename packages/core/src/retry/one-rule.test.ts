import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

/** Every shipped source file of core, by path relative to `src/`. */
const root = join(import.meta.dirname, '..')
const sources = (readdirSync(root, { recursive: true }) as string[])
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.includes('test-doubles'))
  .map((f) => ({
    path: relative(root, join(root, f)).split('\\').join('/'),
    text: readFileSync(join(root, f), 'utf8'),
  }))
const read = (path: string) => sources.find((s) => s.path === path)?.text ?? ''

describe('one back-off, one notion of transient, one Retry-After parser', () => {
  it.each([
    ['backoffDelay', 'retry/backoff.ts'],
    ['parseRetryAfter', 'retry/retry-after.ts'],
    ['isTransientFailure', 'retry/transient.ts'],
    ['isTransientStatus', 'retry/transient.ts'],
  ])('%s is defined once, in %s', (name, home) => {
    const defining = sources.filter((s) => new RegExp(`function ${name}\\b`).test(s.text)).map((s) => s.path)
    expect(defining).toEqual([home])
  })

  it.each([
    ['rest/http.ts', ['../retry/backoff.js', '../retry/transient.js', '../retry/retry-after.js']],
    ['client/send-queue.ts', ['../retry/backoff.js', '../retry/transient.js']],
    ['client/event-stream.ts', ['../retry/backoff.js', '../retry/transient.js']],
  ])('%s imports the shared rules', (path, modules) => {
    for (const module of modules) expect(read(path)).toContain(`from '${module}'`)
  })

  it('every file that reads a Retry-After header reads it with parseRetryAfter', () => {
    const readers = sources.filter((s) => /headers\.get\(\s*'retry-after'\s*\)/i.test(s.text))
    expect(readers.length).toBeGreaterThan(0)
    for (const reader of readers)
      expect(reader.text, reader.path).toMatch(/parseRetryAfter\(\s*\w+\.headers\.get\('retry-after'\)/)
  })

  it('no other file keeps its own list of retryable statuses or error codes', () => {
    const lists = sources
      .filter((s) => !s.path.startsWith('retry/'))
      // A route's declared answers (`errors: [400, …, 502, 503]` in the protocol's table) say what it may answer,
      // not what is worth retrying: those lines are not rules of their own.
      .map((s) => ({
        ...s,
        text: s.text.replaceAll(/^.*\b(errors|\w+Errors)\b\s*[:=]\s*\[[\d,\s]+\].*$/gm, ''),
      }))
      .filter((s) =>
        /=== 502\b|\b50[234],\s*50[234]\b|FlowErrorCode\.unavailable,\s*\n?\s*FlowErrorCode\.rate_limited/.test(
          s.text,
        ),
      )
      .map((s) => s.path)
    expect(lists).toEqual([])
  })
})
