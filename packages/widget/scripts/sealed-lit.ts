import type { Plugin } from 'vite'

/**
 * The hook lit-html's production module reads from, and the registry it writes to, on `globalThis`, as the minified
 * source names them: `<object>.litHtmlPolyfillSupport`, `(<object>.litHtmlVersions??=[]).push("3.3.3")`.
 */
const HOOK = /\b\w+\.litHtmlPolyfillSupport\b/g
const VERSIONS = /\(\w+\.litHtmlVersions\?\?=\[\]\)\.push\("[\d.]+"\)/g

/**
 * The single file's copy of lit-html (the only part of Lit it holds: the element's base is `flow-element.ts`) is
 * sealed, as its RxJS is (`sealed-rxjs.ts`): it exports no Lit (only the element, which keeps lit-html's
 * cross-package names for a subclass's own templates). So the hooks it offers on `globalThis` are left out:
 * - the ShadyDOM polyfill hook (`lit/polyfill-support.js` sets it): every browser the file's ES2022 runs in has
 *   shadow DOM and custom elements natively;
 * - the version registry (`litHtmlVersions`), through which a page's development build of Lit warns that several
 *   copies are loaded: this copy is sealed, so that warning would only be noise.
 * The build fails if lit-html no longer holds exactly one of each.
 *
 * @example
 * build({ plugins: [sealedLit()] })
 */
export function sealedLit(): Plugin {
  return {
    name: 'flowchat:sealed-lit',
    transform(code, id) {
      if (!/[\\/]lit-html[\\/]lit-html\.js$/.test(id)) return null
      const hooks = code.match(HOOK)?.length ?? 0
      const versions = code.match(VERSIONS)?.length ?? 0
      if (hooks !== 1 || versions !== 1)
        this.error(
          `sealed-lit: ${id} holds ${hooks} global hooks and ${versions} version registries, not 1 and 1`,
        )
      // A hook read is `(void 0)` (so `hook?.(…)` goes), a registry push a `0` the minifier drops.
      return { code: code.replace(HOOK, '(void 0)').replace(VERSIONS, '0'), map: null }
    },
  }
}
