// A Node program that uses only the Node parts of core (the REST client, the schemas, the protocol, FlowError) is
// compiled with Node's types and without the DOM library, as `tsc --init` in a Node project does: a type that
// only the DOM library declares (`BodyInit`) in those entries breaks such a program's build in core's .d.ts.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, expect, it } from 'vitest'

const core = fileURLToPath(new URL('..', import.meta.url))
const root = join(core, '..', '..')
const dir = mkdtempSync(join(tmpdir(), 'flowchat-node-types-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it('compiles the REST client, schemas, protocol and errors with Node types and no DOM library', () => {
  const entries = ['rest/index.ts', 'schemas/index.ts', 'protocol/index.ts', 'errors.ts']
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'es2023',
        lib: ['es2023'],
        module: 'nodenext',
        moduleResolution: 'nodenext',
        customConditions: ['@flowchat/source'],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
        typeRoots: [join(root, 'node_modules', '@types')],
      },
      files: entries.map((entry) => join(core, 'src', entry)),
    }),
  )
  const tsc = join(root, 'node_modules', 'typescript7', 'bin', 'tsc')
  const result = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' })
  expect(result.stdout + result.stderr).toBe('')
  expect(result.status).toBe(0)
})
