// `pnpm start`: the Flow.ai emulator, the relay and the demo pages, wired together with secrets generated for this
// run (held in memory only). Prints where everything is; Ctrl-C (SIGINT) or SIGTERM stops all three and exits.
// Bad settings and taken ports end with one line saying what to change, exit code 2 or 1, never a stack trace.
import {
  readStackOptions,
  STACK_HELP,
  StackOptionsError,
  StackStartError,
  startDemoStack,
} from '../apps/demo/src/stack/index.js'
import type { DemoStack } from '../apps/demo/src/stack/index.js'

const out = (line = ''): void => void process.stdout.write(`${line}\n`)
const fail = (message: string, code: number): never => {
  process.stderr.write(`pnpm start: ${message}\n`)
  process.exit(code)
}

async function main(): Promise<void> {
  let parsed
  try {
    parsed = readStackOptions(process.argv.slice(2), process.env)
  } catch (error) {
    if (error instanceof StackOptionsError) return fail(`${error.message}\n${STACK_HELP}`, 2)
    throw error
  }
  if (parsed.help) return out(STACK_HELP)

  let stack: DemoStack | undefined
  let stopping = false
  const stop = (signal: string) => {
    // A second Ctrl-C while stopping means "now": exit without waiting for slow connections to drain.
    if (stopping) process.exit(130)
    stopping = true
    out(`\n${signal}: stopping the demo pages, the relay and the emulator…`)
    void (stack?.close() ?? Promise.resolve()).then(() => {
      out('Stopped.')
      process.exit(0)
    })
  }
  // Listen before starting: a Ctrl-C during startup still stops whatever is already up.
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))

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

void main()
