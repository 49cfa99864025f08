// `pnpm test`: lint, type check, every Node test (Vitest), every browser test (web-test-runner) and the packaging
// test (the packed tarballs installed with npm outside the workspace).
// Each step runs even when an earlier one failed, so one run shows everything that is wrong; the last
// line adds up all runners as `N passed, N failed[, N skipped]`, and the exit code is non-zero on any failure.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'

interface Totals {
  passed: number
  failed: number
  skipped: number
}

const root = join(import.meta.dirname, '..')
const out = join(root, '.test-results')
rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })

const args = new Set(process.argv.slice(2))
const only = (name: string) => args.size === 0 || args.has(name)
const totals: Totals = { passed: 0, failed: 0, skipped: 0 }
const failedSteps: string[] = []

function run(name: string, command: string, argv: string[], env: Record<string, string> = {}): boolean {
  console.log(`\n▶ ${name}: ${command} ${argv.join(' ')}`)
  const result = spawnSync(command, argv, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } })
  const ok = result.status === 0
  if (!ok) failedSteps.push(name)
  return ok
}

function readTotals(file: string): Totals | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Totals
  } catch {
    return undefined
  }
}

/** A check with no test count (lint, type check) counts as one test. */
function check(name: string, command: string, argv: string[]): void {
  if (!only(name)) return
  if (run(name, command, argv)) totals.passed++
  else totals.failed++
}

check('lint', 'eslint', ['.', '--max-warnings', '0'])
check('format', 'prettier', ['--check', '.', '--log-level', 'warn'])
check('typecheck', 'node', ['./node_modules/typescript7/bin/tsc', '-b'])

/** Runs Vitest with a JSON report and adds its counts to the totals. */
function vitest(name: string, extra: string[]): void {
  const file = join(out, `${name.replace(/\W+/g, '-')}.json`)
  const ok = run(name, 'vitest', [
    'run',
    ...extra,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${file}`,
  ])
  const json = (() => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Record<string, number> & Record<string, unknown>
    } catch {
      return undefined
    }
  })()
  if (json) {
    totals.passed += json.numPassedTests ?? 0
    totals.failed += (json.numFailedTests ?? 0) + filesFailedWithoutFailedTest(json)
    totals.skipped += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0)
  }
  if (!ok && (!json || (json.numFailedTests ?? 0) === 0)) totals.failed++
}

if (only('node')) vitest('node tests', [])

if (only('browser')) {
  const file = join(out, 'wtr.json')
  const ok = run('browser tests', 'web-test-runner', [], { FLOWCHAT_WTR_RESULTS: file })
  const t = readTotals(file)
  if (t) {
    totals.passed += t.passed
    totals.failed += t.failed
    totals.skipped += t.skipped
  }
  if (!ok && (!t || t.failed === 0)) totals.failed++
}

// Last, on its own: it rebuilds every package's dist/ and installs the packed tarballs with npm in a temp project.
if (only('packaging')) vitest('packaging test', ['--config', 'test/packaging/vitest.config.ts'])

/** A file that failed to load (syntax error, failing hook) has no failed test of its own: count it once. */
function filesFailedWithoutFailedTest(json: Record<string, unknown>): number {
  const results = (json.testResults ?? []) as { status: string; assertionResults?: { status: string }[] }[]
  return results.filter(
    (r) => r.status === 'failed' && !(r.assertionResults ?? []).some((a) => a.status === 'failed'),
  ).length
}

if (failedSteps.length > 0) console.log(`\nFailed: ${failedSteps.join(', ')}`)
const skipped = totals.skipped > 0 ? `, ${totals.skipped} skipped` : ''
console.log(`\n${totals.passed} passed, ${totals.failed} failed${skipped}`)
process.exit(failedSteps.length > 0 || totals.failed > 0 ? 1 : 0)
