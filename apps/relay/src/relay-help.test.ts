import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { relayHelp, settingRows } from './relay-help.js'
import { RELAY_SETTINGS } from './relay-settings.js'

const relayDir = join(import.meta.dirname, '..')

/** The README's configuration table: flag → variables and default, as written (backticks removed). */
function readmeTable(): Map<string, { variables: string[]; default: string }> {
  const readme = readFileSync(join(relayDir, 'README.md'), 'utf8')
  const section = readme.slice(
    readme.indexOf('## Configuration'),
    readme.indexOf('\n## ', readme.indexOf('## Configuration') + 3),
  )
  const rows = new Map<string, { variables: string[]; default: string }>()
  for (const line of section.split('\n').filter((l) => l.startsWith('| `--'))) {
    const [flag, variables, byDefault] = line
      .split('|')
      .slice(1, 4)
      .map((cell) => cell.trim().replaceAll('`', ''))
    rows.set(flag!, { variables: variables!.split(',').map((v) => v.trim()), default: byDefault! })
  }
  return rows
}

describe('--help and the README list the same settings as the table', () => {
  it('--help lists every flag with its variables and default', () => {
    const help = relayHelp()
    for (const row of settingRows()) {
      expect(help).toContain(
        `  ${row.flag} <${row.placeholder}>\n      ${row.variables.join(', ')}; default: ${row.default}\n`,
      )
    }
    const flags = [...help.matchAll(/^ {2}(--[a-z-]+) </gm)].map((m) => m[1])
    expect(flags).toEqual(settingRows().map((row) => row.flag))
  })

  it("the README's configuration table has exactly the same flags, variables and defaults", () => {
    const expected = new Map(
      settingRows().map((row) => [row.flag, { variables: row.variables, default: row.default }]),
    )
    expect(readmeTable()).toEqual(expected)
  })

  it('every setting with a flag has a FLOWCHAT_* variable, and names are unique', () => {
    const rows = settingRows()
    expect(new Set(rows.map((r) => r.flag)).size).toBe(rows.length)
    const variables = rows.flatMap((r) => r.variables)
    expect(new Set(variables).size).toBe(variables.length)
    for (const row of rows) expect(row.variables[0]).toMatch(/^FLOWCHAT_[A-Z0-9_]+$/)
    for (const s of Object.values(RELAY_SETTINGS)) {
      if ('default' in s && !('required' in s)) expect(s.rule.safeParse(s.default).success).toBe(true)
    }
  })

  it("flowchat-relay --help (after pnpm's --) prints the same text", { timeout: 60_000 }, () => {
    const bin = join(relayDir, 'bin', 'flowchat-relay.js')
    const out = execFileSync(process.execPath, [bin, '--', '--help'], { encoding: 'utf8' })
    expect(out).toBe(relayHelp())
  })
})
