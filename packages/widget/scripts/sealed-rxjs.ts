import type { Plugin } from 'vite'

/** RxJS 7's global `config` as `rxjs/dist/esm/internal/config.js` declares it, each value as JavaScript source. */
const CONFIG: Record<string, string> = {
  onUnhandledError: 'null',
  onStoppedNotification: 'null',
  Promise: 'undefined',
  useDeprecatedSynchronousErrorHandling: 'false',
  useDeprecatedNextContext: 'false',
}

/** A method of RxJS's ES2015 build, from its signature to its closing brace (indented four spaces). */
const method = (signature: string) =>
  new RegExp(`\\n    ${signature.replace(/[()]/g, '\\$&')} \\{\\n[\\s\\S]*?\\n    \\}(?=\\n)`)

/**
 * Members of RxJS's classes that no code in the single file calls: `lift` (what RxJS's own operators build on;
 * the code base writes its operators as plain functions), the promise bridges `forEach` and `toPromise`, the
 * `Symbol.observable` hook (for other libraries, which never get this copy's observables), `Subject.observed`
 * and the deprecated static `create`s. Without `Subject.lift` and `Subject.create`, `AnonymousSubject` goes too.
 */
const UNUSED: Record<string, RegExp[]> = {
  'Observable.js': [
    method('lift(operator)'),
    method('forEach(next, promiseCtor)'),
    method('toPromise(promiseCtor)'),
    /\n {4}\[Symbol_observable\]\(\) \{\n {8}return this;\n {4}\}/,
    /\nObservable\.create = [\s\S]*?\n\};/,
  ],
  'Subject.js': [method('lift(operator)'), method('get observed()'), /\nSubject\.create = [\s\S]*?\n\};/],
  'Subscriber.js': [method('static create(next, error, complete)')],
}

/**
 * The single file's copy of RxJS is sealed: it exports no RxJS, so no page can reach that copy's global `config`,
 * its `timeoutProvider.delegate` (only `rxjs/testing` sets it) or its objects, and this code base sets none of
 * them. So reads of `config` become its default values, which drops the branches that only run when a page opts
 * into RxJS's deprecated error handling, `this` in observers or a custom `Promise`; and the class members that
 * nothing calls ({@link UNUSED}) are left out. The build fails if RxJS declares other defaults or its code
 * changed, and if the bundle ever calls `lift` or `toPromise` (an RxJS operator added to core, say).
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
      const file = /[\\/]internal[\\/](\w+\.js)$/.exec(id)?.[1] ?? ''
      for (const member of UNUSED[file] ?? []) {
        if (!member.test(out)) this.error(`sealed-rxjs: ${id} no longer has ${member.source}`)
        out = out.replace(member, '')
      }
      return out === code ? null : { code: out, map: null }
    },
    renderChunk(code) {
      if (/\.(lift|toPromise)\(|\.observed\b/.test(code))
        this.error(
          'sealed-rxjs: the bundle uses lift, toPromise or observed, which this plugin leaves out of RxJS',
        )
      return null
    },
  }
}
