// `pnpm --filter @flowchat/widget build`: the widget both ways users take it, and its manifest.
// 1. `dist/flow-chat.js`: the one-file bundle for a script tag (Lit, RxJS and the core inside), then its size
//    against its gzip budget (test/bundle.test.ts holds the same).
// 2. `dist/lib/`: the npm entry (tsc: ES modules, `.d.ts`, source maps) that imports `lit` and `@flowchat/core`,
//    so an app's bundler shares them with the rest of the app.
// 3. `dist/custom-elements.json`: the Custom Elements Manifest, from the class doc (custom-elements-manifest.config.js).
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { BUNDLE_BUDGET_BYTES as BUDGET, gzipBytes } from './size-budget.ts'

const root = new URL('..', import.meta.url)
const dir = fileURLToPath(root)
await build({ configFile: fileURLToPath(new URL('vite.config.ts', root)), logLevel: 'warn' })
const file = new URL('dist/flow-chat.js', root)
const bytes = readFileSync(file)
const gzip = gzipBytes(bytes)
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`
console.log(`dist/flow-chat.js: ${kb(bytes.length)} raw, ${kb(gzip)} gzip (budget ${kb(BUDGET)})`)
// Over budget is reported here; the built-bundle test (test/bundle.test.ts) fails on it.
if (gzip > BUDGET) console.warn(`OVER BUDGET by ${kb(gzip - BUDGET)}`)

/** Runs a Node script from this package's folder; a failure ends the build with its exit code. */
function node(script: string, args: string[]): void {
  const result = spawnSync(process.execPath, [fileURLToPath(new URL(script, root)), ...args], {
    cwd: dir,
    stdio: 'inherit',
  })
  if (result.status !== 0) {
    console.error(`${script} ${args.join(' ')}: exit ${result.status ?? result.signal}`)
    process.exit(result.status ?? 1)
  }
}

// After Vite: its `emptyOutDir` clears dist/.
node('../../node_modules/typescript7/bin/tsc', ['-p', 'tsconfig.build.json'])
console.log('dist/lib/: the npm entry (ES modules, .d.ts, source maps)')
node('node_modules/@custom-elements-manifest/analyzer/cem.js', [
  'analyze',
  '--config',
  'custom-elements-manifest.config.js',
  '--quiet',
])
console.log('dist/custom-elements.json: the Custom Elements Manifest')
