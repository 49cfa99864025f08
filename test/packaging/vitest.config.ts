import { defineConfig } from 'vitest/config'

/**
 * The packaging test runs on its own (`pnpm test` runs it as a step after the other tests; alone:
 * `pnpm exec vitest run --config test/packaging/vitest.config.ts`): it rebuilds every package's dist/, which
 * must not happen while other tests run.
 */
export default defineConfig({
  test: {
    name: 'packaging',
    root: import.meta.dirname,
    include: ['**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    // Building, packing and `npm install` on a busy 2-core machine.
    hookTimeout: 600_000,
  },
})
