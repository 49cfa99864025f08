import { defaultClientConditions, defaultServerConditions } from 'vite'
import { defineConfig } from 'vitest/config'

/** Workspace packages resolve each other's TypeScript source through this export condition. */
const source = '@flowchat/source'

const node = (name: string, dir: string, exclude: string[] = []) => ({
  extends: true as const,
  test: {
    name,
    root: dir,
    include: ['**/*.test.ts'],
    exclude: ['**/*.browser.test.ts', '**/node_modules/**', ...exclude],
  },
})

export default defineConfig({
  resolve: { conditions: [source, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [source, ...defaultServerConditions], externalConditions: [source] } },
  test: {
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Several suites start real servers (relay, emulator, redis-server): keep them in separate processes.
    pool: 'forks',
    projects: [
      node('core', 'packages/core'),
      node('emulator', 'apps/emulator'),
      node('relay', 'apps/relay'),
      node('widget', 'packages/widget'),
      // The packaging test rebuilds every dist/: it runs as its own step (test/packaging/vitest.config.ts).
      node('e2e', 'test', ['packaging/**']),
    ],
  },
})
