// `cem analyze` (run by scripts/build.ts): the Custom Elements Manifest of the npm entry, `dist/custom-elements.json`.
import { readFileSync } from 'node:fs'
import { parseElementDoc, templateParts } from './scripts/element-doc.ts'

/** `src/x.ts` (what the analyzer reads) → `dist/lib/x.js` (what the package ships). */
const shipped = (path) => path.replace(/^\/?src\/(.*)\.(ts|js)$/, 'dist/lib/$1.js')
/** Internal state (`_draft`) and private members (`#thread`) are not the element's API. */
const isPublic = (name) => !name.startsWith('_') && !name.startsWith('#')

/**
 * Completes what the analyzer reads from the class doc: a tag that names several parts at once, variants named in a
 * description, parts the templates use; keeps only documented events (the analyzer also guesses some from
 * `dispatchEvent(new X(arg))`); drops internal state; points module paths (its own, a superclass's, an inherited member's) at the built files.
 */
function flowchatManifest() {
  return {
    name: 'flowchat-manifest',
    packageLinkPhase({ customElementsManifest }) {
      for (const mod of customElementsManifest.modules) {
        for (const decl of mod.declarations ?? []) {
          if (!decl.customElement) continue
          const doc = parseElementDoc(readFileSync(mod.path, 'utf8'), decl.name)
          const list = (map, extra = []) => {
            const entries = new Map(map)
            for (const name of extra) if (!entries.has(name)) entries.set(name, '')
            return [...entries].map(([name, description]) => (description ? { name, description } : { name }))
          }
          decl.slots = list(doc.slots)
          decl.cssParts = list(doc.cssParts, [...templateParts('src')].sort())
          decl.cssProperties = list(doc.cssProperties)
          decl.events = (decl.events ?? []).filter((e) => doc.fires.has(e.name))
          decl.members = (decl.members ?? []).filter((m) => isPublic(m.name) && m.privacy !== 'private')
          decl.attributes = (decl.attributes ?? []).filter((a) => isPublic(a.fieldName ?? a.name))
        }
        for (const decl of mod.declarations ?? []) {
          if (decl.superclass?.module) decl.superclass.module = shipped(decl.superclass.module)
          for (const m of [...(decl.members ?? []), ...(decl.attributes ?? []), ...(decl.events ?? [])])
            if (m.inheritedFrom?.module) m.inheritedFrom.module = shipped(m.inheritedFrom.module)
        }
        mod.path = shipped(mod.path)
        for (const e of mod.exports ?? [])
          if (e.declaration?.module) e.declaration.module = shipped(e.declaration.module)
      }
    },
  }
}

export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts', 'src/testing/**'],
  outdir: 'dist',
  // package.json names `dist/custom-elements.json` itself: the analyzer must not rewrite it (the manifest test
  // writes to a temp folder, which then ended up in package.json).
  packagejson: false,
  litelement: true,
  plugins: [flowchatManifest()],
}
