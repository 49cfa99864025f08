// `pnpm --filter @flowchat/widget build`: the one-file bundle, then its size against the 40 KB gzip budget.
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { build } from 'vite'

const BUDGET = 40 * 1024
const root = new URL('..', import.meta.url)
await build({ configFile: new URL('vite.config.ts', root).pathname, logLevel: 'warn' })
const file = new URL('dist/flow-chat.js', root)
const bytes = readFileSync(file)
const gzip = gzipSync(bytes, { level: 9 }).length
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`
console.log(`dist/flow-chat.js: ${kb(bytes.length)} raw, ${kb(gzip)} gzip (budget ${kb(BUDGET)})`)
// Over budget is reported here; the built-bundle test (test/bundle.test.ts) fails on it.
if (gzip > BUDGET) console.warn(`OVER BUDGET by ${kb(gzip - BUDGET)}`)
