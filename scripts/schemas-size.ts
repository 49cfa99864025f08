// `pnpm exec node scripts/schemas-size.ts [--modules]`: the minified, gzipped size of a browser bundle of
// `@flowchat/core/schemas` (what the widget pays for the wire format), built in memory with Vite the way the
// widget is built. Prints the whole entry, the part a chat UI needs (webhook events and reply templates), and
// zod/mini's own floor for one object schema; `--modules` lists the largest modules of the whole entry.
import { gzipSync } from 'node:zlib'
import { join } from 'node:path'
import { build, type Plugin, type Rollup } from 'vite'

const root = join(import.meta.dirname, '..')
const schemas = join(root, 'packages/core/src/schemas/index.ts')

const entries: Record<string, string> = {
  '@flowchat/core/schemas (everything)': `export * from ${JSON.stringify(schemas)}`,
  'parseWebhookEvent + decodeTemplate': `export { parseWebhookEvent, decodeTemplate } from ${JSON.stringify(schemas)}`,
  'zod/mini floor: one object + safeParse': `import * as z from 'zod/mini'
    const s = z.looseObject({ a: z.string() })
    export const parse = (v) => z.safeParse(s, v)`,
}

/**
 * Serves each entry as a module that exists only in memory, placed inside packages/core so that its imports
 * (`zod/mini`) resolve from there.
 */
const virtualId = join(root, 'packages/core/src/schemas/__size-entry.js')
function virtualEntry(source: string): Plugin {
  return {
    name: 'virtual-entry',
    enforce: 'pre',
    resolveId: (id) => (id === virtualId ? virtualId : undefined),
    load: (id) => (id === virtualId ? source : undefined),
  }
}

async function bundle(source: string): Promise<Rollup.OutputChunk> {
  const result = await build({
    root,
    configFile: false,
    logLevel: 'silent',
    plugins: [virtualEntry(source)],
    resolve: { conditions: ['@flowchat/source', 'browser', 'module', 'import', 'default'] },
    build: {
      write: false,
      target: 'es2022',
      lib: { entry: virtualId, formats: ['es'], fileName: 'entry' },
      rolldownOptions: { output: { minify: true } },
    },
  })
  const outputs = (Array.isArray(result) ? result : [result]) as Rollup.RollupOutput[]
  const [chunk] = outputs.flatMap((o) => o.output).filter((c): c is Rollup.OutputChunk => c.type === 'chunk')
  if (!chunk) throw new Error('no chunk built')
  return chunk
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`
for (const [name, source] of Object.entries(entries)) {
  const chunk = await bundle(source)
  const size = `${kb(Buffer.byteLength(chunk.code))} minified, ${kb(gzipSync(chunk.code).length)} gzip`
  console.log(`${name.padEnd(42)} ${size}`)
  if (process.argv.includes('--modules') && name.includes('everything')) {
    const modules = Object.entries(chunk.modules).sort((a, b) => b[1].renderedLength - a[1].renderedLength)
    for (const [id, m] of modules.slice(0, 20)) {
      console.log(`  ${kb(m.renderedLength).padStart(9)} before minifying  ${id.replace(root, '')}`)
    }
  }
}
