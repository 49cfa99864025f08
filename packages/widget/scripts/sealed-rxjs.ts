import type { Plugin } from 'vite'

/** RxJS 7's global `config` as `rxjs/dist/esm/internal/config.js` declares it, each value as JavaScript source. */
const CONFIG: Record<string, string> = {
  onUnhandledError: 'null',
  onStoppedNotification: 'null',
  Promise: 'undefined',
  useDeprecatedSynchronousErrorHandling: 'false',
  useDeprecatedNextContext: 'false',
}

/**
 * Reads of RxJS's global `config` and of `timeoutProvider.delegate` become their default values in the single file.
 * The file exports no RxJS, so no page can reach the copy inside it to change them (only `rxjs/testing` sets the
 * delegate), and none of this code base's code does: the values are constants, and the branches that only run
 * when a page opts into RxJS's deprecated error handling, `this` in observers or a custom `Promise` drop out.
 * The build fails if RxJS declares other defaults, so an upgrade cannot change behaviour silently.
 *
 * @example
 * build({ plugins: [sealedRxjs()] })
 */
export function sealedRxjs(): Plugin {
  return {
    name: 'flowchat:sealed-rxjs',
    transform(code, id) {
      if (!/[\\/]rxjs[\\/]dist[\\/]esm[\\/]internal[\\/]/.test(id)) return null
      if (/[\\/]internal[\\/]config\.js$/.test(id)) {
        const declared = Object.entries(CONFIG).map(([key, value]) => `    ${key}: ${value},`)
        if (!code.includes(`export const config = {\n${declared.join('\n')}\n};`))
          this.error(`sealed-rxjs: ${id} no longer declares the defaults this plugin inlines`)
        return null
      }
      // Only RxJS's own `config` (other modules name a local or a parameter `config`).
      const global = /^import \{ config \} from '\.\.?\/config';$/m.test(code)
      const valueOf = (key: string) => {
        const value = CONFIG[key]
        if (value === undefined)
          this.error(`sealed-rxjs: ${id} reads config.${key}, which has no known default`)
        return value
      }
      let out = code.replace(/\bconst \{ delegate \} = timeoutProvider;/g, 'const delegate = undefined;')
      if (global)
        out = out
          .replace(/\bconst \{ (\w+) \} = config;/g, (_, key: string) => `const ${key} = ${valueOf(key)};`)
          .replace(/(?<![\w.])config\.(\w+)/g, (_, key: string) => valueOf(key))
      return out === code ? null : { code: out, map: null }
    },
  }
}
