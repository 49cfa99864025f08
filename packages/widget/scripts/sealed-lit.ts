import type { Plugin } from 'vite'

/**
 * The hooks Lit's production modules read from, and the registries they write to, on `globalThis`, each as the
 * minified source names it: `<object>.reactiveElementPolyfillSupport`, `(<object>.litHtmlVersions??=[]).push("3.3.3")`, ….
 */
const HOOK =
  /\b\w+\.(reactiveElementPolyfillSupport|litHtmlPolyfillSupport|litElementPolyfillSupport|litElementHydrateSupport)\b/g
const VERSIONS =
  /\(\w+\.(reactiveElementVersions|litHtmlVersions|litElementVersions)\?\?=\[\]\)\.push\("[\d.]+"\)/g

/** How many of each a module of Lit holds, by file: the build fails when Lit's code changed. */
const EXPECTED: Record<string, { hooks: number; versions: number }> = {
  'reactive-element.js': { hooks: 1, versions: 1 },
  'lit-html.js': { hooks: 1, versions: 1 },
  'lit-element.js': { hooks: 2, versions: 1 },
}

/**
 * The single file's copy of Lit is sealed, as its RxJS is (`sealed-rxjs.ts`): it exports no Lit (only the
 * element, which keeps Lit's cross-package names for a subclass's own templates). So the hooks it offers on
 * `globalThis` are left out:
 * - the ShadyDOM polyfill hooks (`lit/polyfill-support.js` sets them): every browser the file's ES2022 runs in
 *   has shadow DOM and custom elements natively;
 * - the SSR hydration hook (`@lit-labs/ssr-client` sets it), for elements a page's own Lit rendered on a server:
 *   the single file is for a script tag, the npm entry (`dist/lib/`) for pages that server-render;
 * - the version registries (`litHtmlVersions`, …), through which a page's development build of Lit warns that
 *   several copies are loaded: this copy is sealed, so that warning would only be noise.
 * Together 0.1 KB gzip. The build fails if Lit's modules no longer hold exactly these.
 *
 * @example
 * build({ plugins: [sealedLit()] })
 */
export function sealedLit(): Plugin {
  return {
    name: 'flowchat:sealed-lit',
    transform(code, id) {
      const file = /[\\/](?:@lit[\\/]reactive-element|lit-html|lit-element)[\\/]([\w-]+\.js)$/.exec(id)?.[1]
      const expected = file && EXPECTED[file]
      if (!expected) return null
      const hooks = code.match(HOOK)?.length ?? 0
      const versions = code.match(VERSIONS)?.length ?? 0
      if (hooks !== expected.hooks || versions !== expected.versions)
        this.error(
          `sealed-lit: ${id} holds ${hooks} global hooks and ${versions} version registries, not ` +
            `${expected.hooks} and ${expected.versions}`,
        )
      // A hook read is `(void 0)` (so `hook?.(…)` goes), a registry push a `0` the minifier drops.
      return { code: code.replace(HOOK, '(void 0)').replace(VERSIONS, '0'), map: null }
    },
  }
}
