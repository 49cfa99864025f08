// `node scripts/size-breakdown.ts [--files]`: where the bytes of the single file go. Builds it with a source map
// (in memory, with the widget's own Vite config), gives every minified byte to the source it came from, and
// weighs each group by what gzip -9 saves without it. A share is what removing that group alone would save;
// the shares add up to less than the whole, the rest being what the groups compress against each other.
import { fileURLToPath } from 'node:url'
import { build, type Rolldown } from 'vite'
import { gzipBytes } from './size-budget.ts'

/** One group of sources in the built file. */
export interface SizeShare {
  /** `lit`, `rxjs`, `zod`, `core/client`, `widget/templates`, … (with `files`, one source file). */
  group: string
  /** Minified bytes from the group. */
  minified: number
  /** Gzip bytes the file loses without the group's bytes. */
  gzip: number
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** For each generated line, its segments as [column, source index] (source -1: unmapped). */
function decodeMappings(mappings: string): [number, number][][] {
  let source = 0
  return mappings.split(';').map((line) => {
    let column = 0
    return line
      .split(',')
      .filter(Boolean)
      .map((segment) => {
        const fields: number[] = []
        let value = 0
        let shift = 0
        for (const char of segment) {
          const digit = BASE64.indexOf(char)
          value += (digit & 31) << shift
          shift += 5
          if (digit & 32) continue
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1)
          value = 0
          shift = 0
        }
        column += fields[0] ?? 0
        if (fields.length < 4) return [column, -1] as [number, number]
        source += fields[1] ?? 0
        return [column, source] as [number, number]
      })
  })
}

/** The group of a source path: a package for dependencies, a folder of core or the widget, or the file. */
function groupOf(source: string, files: boolean): string {
  const dependency = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(
    source,
  )
  if (dependency) {
    const name = dependency[1] ?? ''
    const pkg = /^(lit|lit-html|lit-element|@lit\/.*)$/.test(name) ? 'lit' : name
    return files ? `${pkg}/${dependency[2] ?? ''}` : pkg
  }
  const own = /packages\/(core|widget)\/src\/(.*)$/.exec(source)
  if (!own) return source
  const [, pkg, path = ''] = own
  if (files) return `${pkg}/${path}`
  const folder = path.includes('/') ? path.slice(0, path.indexOf('/')) : ''
  return folder ? `${pkg}/${folder}` : `${pkg}/*.ts`
}

/**
 * Builds `flow-chat.js` in memory and splits its gzip size by source group, largest first.
 *
 * @example
 * const { gzip, shares } = await sizeBreakdown()
 * console.log(shares.find((s) => s.group === 'lit')?.gzip)
 */
export async function sizeBreakdown(
  options: { files?: boolean } = {},
): Promise<{ minified: number; gzip: number; shares: SizeShare[] }> {
  // A library build with one format answers with one output per format.
  const [output] = (await build({
    configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
    logLevel: 'warn',
    build: { write: false, sourcemap: true },
  })) as Rolldown.RolldownOutput[]
  const chunk = output?.output[0]
  const map = chunk?.map
  if (!chunk || !map) throw new Error('the build returned no file with a source map')
  // What a page gets: the file without the comment that points to the map.
  const code = chunk.code.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '')
  const owners = new Array<string>(code.length).fill('(unmapped)')
  // Sources are relative to the map, which sits in dist/.
  const dist = new URL('../dist/', import.meta.url)
  const groups = map.sources.map((source) =>
    groupOf(fileURLToPath(new URL(source, dist)), options.files ?? false),
  )
  let offset = 0
  const lines = code.split('\n')
  decodeMappings(map.mappings).forEach((segments, index) => {
    const line = lines[index] ?? ''
    segments.forEach(([column, source], i) => {
      const end = segments[i + 1]?.[0] ?? line.length
      const owner = groups[source] ?? '(unmapped)'
      for (let c = column; c < end; c++) owners[offset + c] = owner
    })
    offset += line.length + 1
  })
  const total = gzipBytes(code)
  const shares = [...new Set(owners)].map((group) => {
    let rest = ''
    let minified = 0
    for (let i = 0; i < code.length; i++) {
      if (owners[i] === group) minified++
      else rest += code[i]
    }
    return { group, minified, gzip: total - gzipBytes(rest) }
  })
  shares.sort((a, b) => b.gzip - a.gzip)
  return { minified: code.length, gzip: total, shares }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { minified, gzip, shares } = await sizeBreakdown({ files: process.argv.includes('--files') })
  const shared = gzip - shares.reduce((sum, s) => sum + s.gzip, 0)
  console.log(`dist/flow-chat.js: ${minified} B minified, ${gzip} B gzip -9\n`)
  console.log('| source | minified B | gzip B (without it: saved) |\n|---|---:|---:|')
  for (const s of shares) console.log(`| ${s.group} | ${s.minified} | ${s.gzip} |`)
  console.log(`| (compressed against each other) | | ${shared} |`)
}
