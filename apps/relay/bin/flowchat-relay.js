#!/usr/bin/env node
// Runs the built CLI (dist/cli.js) when there is one; in a fresh clone, runs the TypeScript source through tsx
// with the `@flowchat/source` condition so workspace packages resolve to their sources. No build needed.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'

const dist = fileURLToPath(new URL('../dist/cli.js', import.meta.url))
if (existsSync(dist)) {
  await import(pathToFileURL(dist).href)
} else {
  let tsx
  try {
    tsx = import.meta.resolve('tsx')
  } catch {
    process.stderr.write(
      'flowchat-relay: no dist/ build and tsx is not installed; run `pnpm install` or build first.\n',
    )
    process.exit(1)
  }
  const source = fileURLToPath(new URL('../src/cli.ts', import.meta.url))
  const child = spawn(
    process.execPath,
    ['--conditions=@flowchat/source', '--import', tsx, source, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  )
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => child.kill(signal))
  }
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal)
      process.kill(process.pid, signal)
    } else process.exit(code ?? 1)
  })
}
