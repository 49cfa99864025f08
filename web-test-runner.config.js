// Browser tests run in Debian's Chromium (downloading a browser is not possible on these machines).
import { chromeLauncher } from '@web/test-runner-chrome'
import { esbuildPlugin } from '@web/dev-server-esbuild'
import { fileURLToPath } from 'node:url'

const resultsFile = process.env.FLOWCHAT_WTR_RESULTS

/** Writes the pass/fail/skip totals where scripts/test.ts reads them. */
function totalsReporter() {
  return {
    async onTestRunFinished({ sessions }) {
      if (!resultsFile) return
      const totals = { passed: 0, failed: 0, skipped: 0 }
      const walk = (suite) => {
        for (const t of suite?.tests ?? []) {
          if (t.skipped) totals.skipped++
          else if (t.passed) totals.passed++
          else totals.failed++
        }
        for (const s of suite?.suites ?? []) walk(s)
      }
      for (const s of sessions) {
        walk(s.testResults)
        // A file that failed to load counts as a failure even though it ran no test.
        if (!s.passed && (s.errors?.length ?? 0) > 0) totals.failed++
      }
      const { writeFile } = await import('node:fs/promises')
      await writeFile(resultsFile, JSON.stringify(totals))
    },
  }
}

export default {
  rootDir: fileURLToPath(new URL('.', import.meta.url)),
  files: ['packages/*/src/**/*.browser.test.ts', 'apps/*/src/**/*.browser.test.ts'],
  nodeResolve: { exportConditions: ['@flowchat/source', 'browser', 'development'] },
  concurrency: 2,
  testFramework: { config: { timeout: 10000 } },
  plugins: [
    esbuildPlugin({
      ts: true,
      target: 'es2022',
      tsconfig: fileURLToPath(new URL('./packages/widget/tsconfig.json', import.meta.url)),
    }),
  ],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
        args: [
          '--headless=new',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-dev-shm-usage',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
          '--disable-quic',
        ],
      },
    }),
  ],
  reporters: [(await import('@web/test-runner')).defaultReporter(), totalsReporter()],
}
