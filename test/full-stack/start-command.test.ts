// `pnpm start` as a newcomer runs it: the root package.json's command in a child process, on free ports.
import { spawn, type ChildProcessByStdio } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { afterEach, describe, expect, test } from 'vitest'

const root = join(import.meta.dirname, '..', '..')
const FREE_PORTS = { FLOWCHAT_DEMO_PORT: '0', FLOWCHAT_RELAY_PORT: '0', FLOWCHAT_EMULATOR_PORT: '0' }

type Child = ChildProcessByStdio<null, Readable, Readable>
const children: Child[] = []

/** The root `start` script with `node` replaced by this Node, so the test runs exactly what `pnpm start` runs. */
function startCommand(env: Record<string, string>): {
  child: Child
  output: () => string
  exited: Promise<number | null>
} {
  const script = (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }
  ).scripts.start
  const [command, ...args] = script.split(/\s+/)
  expect(command).toBe('node')
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, output: () => output, exited }
}

/** Resolves once the output contains `text`; rejects if the process exits first. */
function waitForOutput(run: ReturnType<typeof startCommand>, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (run.output().includes(text)) {
        cleanup()
        resolve()
      }
    }
    const exited = () => {
      cleanup()
      reject(new Error(`exited before printing ${JSON.stringify(text)}:\n${run.output()}`))
    }
    const cleanup = () => {
      run.child.stdout.off('data', check)
      run.child.stderr.off('data', check)
      run.child.off('exit', exited)
    }
    run.child.stdout.on('data', check)
    run.child.stderr.on('data', check)
    run.child.on('exit', exited)
    check()
  })
}

function urlAfter(output: string, label: string): string {
  const match = new RegExp(`${label}\\s+(http://\\S+)`).exec(output)
  if (!match?.[1]) throw new Error(`no ${label} URL in:\n${output}`)
  return match[1]
}

afterEach(() => {
  // The stack itself runs in a child of the command that stops by itself once its parent is gone.
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
})

describe('pnpm start', () => {
  test('starts emulator, relay and pages, prints their URLs, and Ctrl-C stops all of them', async () => {
    const run = startCommand(FREE_PORTS)
    await waitForOutput(run, 'Ctrl-C stops.')
    const output = run.output()
    const product = urlAfter(output, 'Product page \\(chat launcher\\)')
    const consolePage = urlAfter(output, 'Operator console')
    const relay = urlAfter(output, 'Relay')
    const emulator = urlAfter(output, 'Flow.ai emulator')

    const page = await (await fetch(product)).text()
    expect(page).toContain(`relay="${relay}" mode="launcher"`)
    const consoleHtml = await (await fetch(consolePage)).text()
    const token = /name="flowchat-operator-token" content="([^"]+)"/.exec(consoleHtml)?.[1]
    expect(token).toBeTruthy()
    // The injected token is a working operator token for the printed relay.
    const threads = await fetch(`${relay}/v1/threads`, { headers: { authorization: `Bearer ${token}` } })
    expect(threads.status).toBe(200)
    expect((await fetch(`${emulator}/rest/v1/threads`)).status).toBe(401)

    run.child.kill('SIGINT')
    expect(await run.exited).toBe(0)
    expect(run.output()).toContain('Stopped.')
    for (const url of [product, relay, emulator]) {
      await expect(fetch(url), url).rejects.toThrow()
    }
  }, 60_000)

  test('pnpm start -- <flags>, stopped with SIGTERM to the pnpm process, says Stopped. and frees every port', async () => {
    // pnpm 12 runs the script in a process group of its own and SIGKILLs it when pnpm is stopped: the stack
    // survives that long enough to close (scripts/start.ts). `--` is passed through by pnpm: the flags still work.
    const child = spawn(
      'pnpm',
      ['start', '--', '--demo-port', '0', '--relay-port', '0', '--emulator-port', '0'],
      {
        cwd: root,
        env: {
          ...process.env,
          FLOWCHAT_DEMO_PORT: '9',
          FLOWCHAT_RELAY_PORT: '9',
          FLOWCHAT_EMULATOR_PORT: '9',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      },
    )
    children.push(child)
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    // The output pipe closes once the last process holding it (the stack) has exited.
    const closed = new Promise<void>((resolve) => child.stdout.on('close', () => resolve()))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    await waitForOutput({ child, output: () => output, exited }, 'Ctrl-C stops.')
    const urls = ['Product page \\(chat launcher\\)', 'Relay', 'Flow.ai emulator'].map((label) =>
      urlAfter(output, label),
    )
    for (const url of urls) expect((await fetch(url)).status, url).toBeLessThan(500)

    process.kill(child.pid!, 'SIGTERM')
    await closed
    expect(output).toContain('SIGTERM')
    expect(output).toContain('Stopped.')
    for (const url of urls) await expect(fetch(url), url).rejects.toThrow()
  }, 90_000)

  test('a port already in use is reported with the setting to change, not a stack trace', async () => {
    const blocker: Server = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as { port: number }).port
    try {
      const run = startCommand({ ...FREE_PORTS, FLOWCHAT_RELAY_PORT: String(port) })
      expect(await run.exited).toBe(1)
      const output = run.output()
      expect(output).toContain(`The relay cannot listen on 127.0.0.1:${port}: the port is already in use`)
      expect(output).toContain(`FLOWCHAT_RELAY_PORT=${port + 10} pnpm start`)
      expect(output).not.toMatch(/^\s+at /m)
    } finally {
      blocker.close()
    }
  }, 60_000)

  test('a bad port setting names the variable and the rule', async () => {
    const run = startCommand({ ...FREE_PORTS, FLOWCHAT_DEMO_PORT: 'abc' })
    expect(await run.exited).toBe(2)
    expect(run.output()).toContain('FLOWCHAT_DEMO_PORT=abc: must be a port number from 0 to 65535')
    expect(run.output()).not.toMatch(/^\s+at /m)
  }, 30_000)
})
