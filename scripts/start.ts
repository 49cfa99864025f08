// `pnpm start`: the Flow.ai emulator, the relay and the demo pages, wired together with secrets generated for this
// run (held in memory only). Prints where everything is; Ctrl-C (SIGINT) or SIGTERM stops all three and exits.
// Bad settings and taken ports end with one line saying what to change, exit code 2 or 1, never a stack trace.
//
// Why two processes: pnpm 12 runs a script in a process group of its own and, when pnpm itself is stopped
// (`kill -TERM <pnpm pid>`), kills that group with SIGKILL at once, before anything could close. So this process
// only watches: the stack runs in a child in a group of its own, which stops gracefully ("Stopped.", every port
// freed) when it gets SIGINT or SIGTERM, or when this process goes away for any reason (its IPC channel closes).
import { spawn } from 'node:child_process'

const WORKER = 'FLOWCHAT_START_WORKER'

const out = (line = ''): void => void process.stdout.write(`${line}\n`)
const fail = (message: string, code: number): never => {
  process.stderr.write(`pnpm start: ${message}\n`)
  process.exit(code)
}

function supervise(): void {
  const child = spawn(
    process.execPath,
    [...process.execArgv, import.meta.filename, ...process.argv.slice(2)],
    {
      detached: true,
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, [WORKER]: '1' },
    },
  )
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => child.kill(signal === 'SIGHUP' ? 'SIGTERM' : signal))
  }
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
}

async function main(): Promise<void> {
  // The IPC channel only tells this process that the supervisor is gone; it must not keep it alive.
  process.channel?.unref()
  const { readStackOptions, STACK_HELP, StackOptionsError, StackStartError, startDemoStack } =
    await import('../apps/demo/src/stack/index.js')
  let parsed
  try {
    parsed = readStackOptions(process.argv.slice(2), process.env)
  } catch (error) {
    if (error instanceof StackOptionsError) return fail(`${error.message}\n${STACK_HELP}`, 2)
    throw error
  }
  if (parsed.help) return out(STACK_HELP)

  let stack: Awaited<ReturnType<typeof startDemoStack>> | undefined
  let stopping = false
  const stop = (reason: string) => {
    // A second Ctrl-C while stopping means "now": exit without waiting for slow connections to drain.
    if (stopping) process.exit(130)
    stopping = true
    out(`\n${reason}: stopping the demo pages, the relay and the emulator…`)
    void (stack?.close() ?? Promise.resolve()).then(() => {
      out('Stopped.')
      process.exit(0)
    })
  }
  // Listen before starting: a Ctrl-C during startup still stops whatever is already up.
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
  // The supervising process is gone (pnpm was stopped, the terminal closed): stop as for SIGTERM.
  process.on('disconnect', () => stop('pnpm start ended'))

  try {
    stack = await startDemoStack(parsed.options)
  } catch (error) {
    if (error instanceof StackStartError) return fail(error.message, 1)
    return fail(`could not start: ${error instanceof Error ? error.message : String(error)}`, 1)
  }
  if (stopping) return void (await stack.close())

  out('flowchat is running:')
  out()
  out(`  Product page (chat launcher)  ${stack.pages.product}`)
  out(`  Help page (inline chat)       ${stack.pages.support}`)
  out(`  Operator console              ${stack.pages.console}`)
  out()
  out(`  Relay                         ${stack.relayUrl}`)
  out(`  Flow.ai emulator              ${stack.emulatorUrl}`)
  out(`  Operator password (development only, new on every start): ${stack.operatorPassword}`)
  out()
  out('Say "help" to the bot for what it can do, or "human" to be handed over to the console. Ctrl-C stops.')
}

if (process.env[WORKER] === '1' && process.send) void main()
else supervise()
