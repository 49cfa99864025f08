import { minify } from 'terser'
import type { Plugin } from 'vite'

/** The source map comment Rolldown ends a chunk with when maps are written to files. */
const MAP_COMMENT = /\n\/\/# sourceMappingURL=(\S+)\s*$/

/**
 * A second minifier pass over the single file, after Rolldown's own (Oxc): Terser, with its default (safe) compress
 * options, inlines the functions Oxc leaves as single-use declarations and evaluates what it can (-0.25 KB gzip), in
 * five passes: three left some of it that two had (-10 B), five some that three had (-31 B; six and more add
 * nothing; the build takes half a second longer). One option more: `keep_fargs: false` drops unused trailing
 * parameters (-20 B), which only a function's `length` would show and no code in the file reads it (Lit, RxJS and
 * this code base call functions, never count their parameters). And `unsafe_arrows`: a function expression whose
 * body reads neither `this` nor `arguments` becomes an arrow (-22 B), which differs only in having no `prototype`
 * and refusing `new`; no code in the file constructs a function expression or reads its prototype (RxJS's error
 * classes, the only functions it constructs that are not classes, read `this`, so they stay functions). Legal
 * comments stay, each distinct one once. The source map follows the code, sources and their text alike, in memory
 * (`size-breakdown.ts` attributes bytes with it) and in the `.map` file with its comment when the build writes one.
 *
 * @example
 * build({ plugins: [terserPass()] })
 */
export function terserPass(): Plugin {
  return {
    name: 'flowchat:terser-pass',
    apply: 'build',
    async generateBundle(_, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue
        const mapUrl = MAP_COMMENT.exec(chunk.code)?.[1]
        // The legal comments Terser's `'some'` keeps, each once: Lit's modules repeat one notice word for word (-9 B).
        const notices = new Set<string>()
        const result = await minify(chunk.code, {
          module: true,
          ecma: 2020,
          compress: { passes: 5, keep_fargs: false, unsafe_arrows: true },
          mangle: true,
          format: {
            comments: (_node: unknown, comment: { value: string }) =>
              /@preserve|@copyright|@lic|@cc_on|^\**!/i.test(comment.value) &&
              !notices.has(comment.value) &&
              !!notices.add(comment.value),
          },
          sourceMap: chunk.map
            ? { content: JSON.stringify(chunk.map), includeSources: true, asObject: true, url: mapUrl }
            : false,
        })
        if (result.code === undefined) this.error('terser-pass: Terser returned no code')
        chunk.code = result.code
        if (!chunk.map || !result.map || typeof result.map !== 'object') continue
        const { sources, sourcesContent, names, mappings } = result.map
        Object.assign(chunk.map, { sources, sourcesContent, names, mappings })
        const file = bundle[`${chunk.fileName}.map`]
        if (file?.type === 'asset') file.source = chunk.map.toString()
      }
    },
  }
}
