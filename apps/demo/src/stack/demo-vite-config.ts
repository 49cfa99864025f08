import { join } from 'node:path'
import { defaultClientConditions, type UserConfig } from 'vite'

/** apps/demo, where the HTML pages live. */
export const DEMO_ROOT = join(import.meta.dirname, '..', '..')

/** The demo's pages, by name: what `pnpm start` prints and what a build emits. */
export const DEMO_PAGES = {
  product: 'index.html',
  support: 'support.html',
  console: 'console.html',
} as const

/**
 * The Vite settings of the demo pages, shared by `pnpm start` (in-process dev server) and `apps/demo/vite.config.ts`.
 * Workspace packages resolve to their TypeScript source, so nothing needs building first.
 *
 * @example
 * const server = await createServer({ ...demoViteConfig(), configFile: false })
 */
export function demoViteConfig(): UserConfig {
  return {
    root: DEMO_ROOT,
    appType: 'mpa',
    clearScreen: false,
    resolve: { conditions: ['@flowchat/source', ...defaultClientConditions] },
    // Pre-bundle everything the pages import up front, so a first visit never triggers a reload for
    // dependencies discovered late (which would also make a browser test flaky).
    optimizeDeps: {
      entries: Object.values(DEMO_PAGES),
      include: ['lit', 'rxjs'],
    },
    build: {
      rolldownOptions: {
        input: Object.fromEntries(
          Object.entries(DEMO_PAGES).map(([name, file]) => [name, join(DEMO_ROOT, file)]),
        ),
      },
    },
  }
}
