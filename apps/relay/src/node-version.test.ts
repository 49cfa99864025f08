import { execFile, execFileSync } from 'node:child_process'
import { accessSync, constants, readFileSync } from 'node:fs'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

type NodeVersionProblem = (found: string, range: string, where?: string) => string | undefined
// The bin's own module, plain JavaScript: imported by URL, as the bin does, so the type checker does not read it.
const { nodeVersionProblem } = (await import(new URL('../bin/node-version.js', import.meta.url).href)) as {
  nodeVersionProblem: NodeVersionProblem
}
const bin = fileURLToPath(new URL('../bin/flowchat-relay.js', import.meta.url))
const engines = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    engines: { node: string }
  }
).engines.node

/**
 * A `node` older than the relay's engines: the first on PATH outside pnpm's own (this machine's and CI's system
 * Node is v20), or `undefined`.
 */
function olderNode(): { path: string; version: string } | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/bin', '/usr/bin', '/bin']
  for (const dir of new Set(dirs.filter(Boolean))) {
    const path = join(dir, 'node')
    try {
      accessSync(path, constants.X_OK)
      const version = execFileSync(path, ['-v'], { encoding: 'utf8', timeout: 10_000 }).trim()
      if (nodeVersionProblem(version, engines) !== undefined) return { path, version }
    } catch {
      // Not there, or not a Node that answers -v.
    }
  }
  return undefined
}

describe("the CLI refuses a Node older than package.json's engines", () => {
  it('names the version found and the one needed, on one line', () => {
    expect(engines).toBe('>=22.12')
    expect(nodeVersionProblem('v20.20.2', engines, '/usr/bin/node')).toBe(
      'needs Node.js >=22.12 (package.json engines), but /usr/bin/node is v20.20.2: run it with Node.js 22.12.0 or newer',
    )
    for (const older of ['v22.11.9', 'v21.99.0', 'v18.20.4', 'v0.12.18', 'not a version']) {
      expect(nodeVersionProblem(older, engines), older).toContain(`is ${older}:`)
    }
    for (const newer of [
      'v22.12.0',
      'v22.12.1',
      'v22.13.0',
      'v23.0.0',
      'v24.21.0',
      'v100.0.0',
      process.version,
    ]) {
      expect(nodeVersionProblem(newer, engines), newer).toBeUndefined()
    }
    expect(nodeVersionProblem('v22.12.0', '>=22.12.1')).toContain('22.12.1 or newer')
    expect(nodeVersionProblem('v24.0.0', '>= 24')).toBeUndefined()
  })

  it('throws on an engines range of another form, rather than letting every Node through unseen', () => {
    expect(() => nodeVersionProblem('v24.0.0', '^22.12 || >=24')).toThrow(/engines.node must read/)
  })

  it('the bin run by an older Node (the system node) exits 2 with that line, before anything else', async (ctx) => {
    const older = olderNode()
    if (older === undefined) {
      ctx.skip(
        `no node older than ${engines} on PATH or in /usr/local/bin, /usr/bin, /bin to run the bin with`,
      )
      return
    }
    // Without any setting: the version is checked first, before the configuration is read.
    const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        older.path,
        [bin, '--port', '0'],
        { env: { PATH: `${dirname(older.path)}${delimiter}/usr/bin:/bin` }, timeout: 30_000 },
        (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
      )
    })
    expect(out.code).toBe(2)
    expect(out.stdout).toBe('')
    expect(out.stderr).toMatch(
      new RegExp(
        `^flowchat-relay: needs Node\\.js >=22\\.12 \\(package\\.json engines\\), but \\S+ is ${older.version.replaceAll('.', '\\.')}: run it with Node\\.js 22\\.12\\.0 or newer\\n$`,
      ),
    )
  })
})
