import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import { minifyTemplates } from './scripts/minify-templates.ts'
import { sealedLit } from './scripts/sealed-lit.ts'
import { sealedRxjs } from './scripts/sealed-rxjs.ts'
import { terserPass } from './scripts/terser-pass.ts'
import { WIDGET_CONTROLLER_NAMES } from './scripts/internal-names.ts'

/**
 * Property names that only code inside the single file reads, so the minifier may shorten them:
 * - names starting with `_`, internal by this code base's rule and RxJS's: the element's state properties
 *   (`_draft`; state, never attributes), RxJS's `_subscribe`, `_finalizers`, … (-0.1 KB gzip). An attribute
 *   property must never start with `_`;
 * - the privates of lit-html, as its own build names them (`_$C…`: only in its own module), which only the
 *   lit-html inside this file reads. Lit's cross-package names (`_$A…`: a part's `_$AH` committed value, a
 *   directive's `_$AS` resolve, …) and markers (`_$litType$`, …) keep theirs: the file exports `FlowChatElement`, and a page's subclass may render its own
 *   Lit's templates and directives with it;
 * - the state fields of RxJS's subscribers and subjects, which RxJS reads only on its own objects (a subscriber of
 *   another RxJS copy is called through `next`, `error`, `complete`, `add` and `unsubscribe` alone) and which no
 *   DOM object has (-53 B). `destination` is not among them: an `AudioContext` has one;
 * - the members of the widget's controllers and the objects it passes its templates that only the widget's own
 *   code reads (`scripts/internal-names.ts`, -91 B gzip, with the rules a name there must meet, which
 *   `test/internal-names.test.ts` and `test/bundle.test.ts` check).
 */
const INTERNAL_PROPERTIES = new RegExp(
  '^(_[a-zA-Z]|_\\$C[A-Za-z_]?$|(currentObservers|observers|thrownError|hasError|isStopped|initialTeardown|partialObserver)$|' +
    `(${WIDGET_CONTROLLER_NAMES.join('|')})$)`,
)

/**
 * The embeddable build: ONE minified ES module, `dist/flow-chat.js`, with lit-html, the RxJS it uses and
 * `@flowchat/core` inside. Workspace sources resolve through the `@flowchat/source` condition; the widget
 * uses no decorators, so Vite 8 (which does not transform them) needs no extra plugin.
 */
export default defineConfig({
  // `es2015`: RxJS's class-based build, without the tslib helpers its ES5 build needs.
  // `production` spelled out: a build started from a test (NODE_ENV=test) would otherwise get Lit's dev build.
  mode: 'production',
  resolve: { conditions: ['@flowchat/source', 'es2015', 'module', 'browser', 'production'] },
  // sealedRxjs(): no page reaches the bundled RxJS, so its config defaults are constants and unused members go.
  // sealedLit(): nor the bundled Lit, so its polyfill, hydration and version hooks on `globalThis` go.
  // terserPass(): a second minifier over Oxc's output, once the bundle is final (generateBundle).
  plugins: [minifyTemplates(), sealedRxjs(), sealedLit(), terserPass()],
  define: {
    // Lit's production build: no dev-mode warnings, smaller.
    'process.env.NODE_ENV': '"production"',
    // The single file runs in browsers only, where uploads go through XMLHttpRequest (for upload progress):
    // core's fetch-based upload for Node then drops out of it (0.2 KB gzip).
    'typeof XMLHttpRequest': '"function"',
  },
  build: {
    target: 'es2022',
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    lib: {
      entry: fileURLToPath(new URL('./src/index.ts', import.meta.url)),
      formats: ['es'],
      fileName: () => 'flow-chat.js',
    },
    rolldownOptions: {
      // Core builds its zod schemas at module level (`z.string().check(…)`, `z.enum(…)`, `z.pipe(…)`): pure calls
      // that zod does not annotate, which would keep zod in the bundle though the widget reads the relay's
      // answers with core's light readers. Calls through a namespace imported as `z` are pure, and zod's own
      // modules (which declare no `sideEffects`) are dropped when nothing of them is used.
      // Reading a property has no side effect in this code or its dependencies (no getter is read for its effect),
      // so the reads left over from dropped code go too: zod's global config, an enum's members (-0.1 KB gzip).
      // RxJS's `nextNotification`/`errorNotification` only build objects, for a hook sealedRxjs() turns off.
      treeshake: {
        manualPureFunctions: ['z', 'nextNotification', 'errorNotification'],
        propertyReadSideEffects: false,
        moduleSideEffects: (id: string) => !/[\\/]node_modules[\\/](\.pnpm[\\/])?zod[@\\/]/.test(id),
      },
      // Tree-shaking annotations (`/* @__PURE__ */`, about 400 of them) have done their work once the bundle is
      // built: leaving them out saves about 0.4 KB gzip. License comments (Lit's, 0.1 KB) stay.
      // The properties INTERNAL_PROPERTIES names are renamed everywhere in the file at once.
      output: {
        minify: {
          compress: true,
          mangle: true,
          codegen: true,
          mangleProps: { include: INTERNAL_PROPERTIES },
        },
        codeSplitting: false,
        comments: { legal: true, annotation: false, jsdoc: false },
      },
    },
    minify: true,
    reportCompressedSize: false,
  },
})
