#!/usr/bin/env node
// Installed from npm: runs the built CLI (dist/cli.js) with plain Node. In a checkout of the repository (src/ is
// there and tsx is installed) it runs the TypeScript source through tsx with the `@flowchat/source` condition
// instead, so that a dist/ left by an earlier `pnpm build` never runs stale code; no build is needed there.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'

const dist = fileURLToPath(new URL('../dist/cli.js', import.meta.url))
const source = fileURLToPath(new URL('../src/cli.ts', import.meta.url))

/** tsx's loader, when this is a checkout with tsx installed. */
function sourceLoader() {
  if (!existsSync(source)) return undefined
  try {
    return import.meta.resolve('tsx')
  } catch {
    return undefined
  }
}

const tsx = sourceLoader()
if (tsx === undefined) {
  if (!existsSync(dist)) {
    process.stderr.write(
      'flowchat-relay: dist/cli.js is missing; run `pnpm build` (or `pnpm install` for tsx).\n',
    )
    process.exit(1)
  }
  await import(pathToFileURL(dist).href)
} else {
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
