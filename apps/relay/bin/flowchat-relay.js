#!/usr/bin/env node
// Installed from npm: runs the built CLI (dist/cli.js) with plain Node. In a checkout of the repository (src/ is
// there and tsx is installed) it runs the TypeScript source through tsx with the `@flowchat/source` condition
// instead, so that a dist/ left by an earlier `pnpm build` never runs stale code; no build is needed there.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { nodeVersionProblem } from './node-version.js'

// Before anything else: on an older Node the relay started and failed later, or ran on what its engines exclude.
// Exit code 2, as for a configuration that cannot start.
const { engines } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
const problem = nodeVersionProblem(process.version, engines.node, process.execPath)
if (problem !== undefined) {
  process.stderr.write(`flowchat-relay: ${problem}\n`)
  process.exit(2)
}

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
  // The relay runs in a process group of its own, so it hears each stop once, from this process: in ours, a signal to
  // the whole group (Ctrl-C in a shell, `pnpm start` stopping its script) reached it twice, directly and passed on,
  // and it took one Ctrl-C for two (exit at once, cutting in-flight requests). A group signal that ends this process
  // without a word (SIGKILL) then no longer reaches it: it stops itself, gracefully, once this process is gone (its
  // IPC channel closes), and the channel does not keep it running otherwise.
  const stopWithParent =
    'data:text/javascript,process.channel.unref();process.on("disconnect",()=>process.kill(process.pid,"SIGTERM"))'
  const child = spawn(
    process.execPath,
    [
      '--conditions=@flowchat/source',
      '--import',
      stopWithParent,
      '--import',
      tsx,
      source,
      ...process.argv.slice(2),
    ],
    // Windows has no process groups to leave; there `detached` would open a console window of its own.
    { stdio: ['inherit', 'inherit', 'inherit', 'ipc'], detached: process.platform !== 'win32' },
  )
  child.on('error', (error) => {
    console.error(`flowchat-relay: could not start the relay from its source: ${error.message}`)
    process.exit(1)
  })
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
