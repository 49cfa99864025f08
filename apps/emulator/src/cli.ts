/**
 * The `flowchat-emulator` command: parses flags, starts the emulator, prints where it listens, and stops
 * cleanly on SIGINT/SIGTERM. Bad flags or a bad script exit with code 2 and one line naming the problem.
 */
import { ScriptError } from './bot/script.js'
import { HELP, parseCliArgs } from './cli-args.js'
import { startEmulator } from './emulator.js'
import { createLineLogger } from './logger.js'
import { DEFAULTS } from './options.js'
import { webhookLabel } from './webhook/webhook-url.js'

const out = (line: string) => process.stdout.write(`${line}\n`)
const fail = (message: string, code: number): never => {
  process.stderr.write(`flowchat-emulator: ${message}\n`)
  if (code === 2) process.stderr.write('Run flowchat-emulator --help for the options.\n')
  process.exit(code)
}

async function main(): Promise<void> {
  let config
  try {
    config = parseCliArgs(process.argv.slice(2))
  } catch (error) {
    return fail((error as Error).message, 2)
  }
  if (config.help) {
    out(HELP)
    return
  }
  const generatedKey = config.options.apiKey === undefined
  let emulator
  try {
    emulator = await startEmulator({ ...config.options, logger: createLineLogger(undefined, config.verbose) })
  } catch (error) {
    if (error instanceof ScriptError || error instanceof RangeError || error instanceof TypeError) {
      return fail(error.message, 2)
    }
    const code = (error as NodeJS.ErrnoException).code
    // The host names no interface of this machine, or no address at all: a bad flag value like any other.
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
      return fail(`--host ${config.options.host ?? DEFAULTS.host}: cannot listen there (${code})`, 2)
    if (code === 'EADDRINUSE')
      return fail(`port ${config.options.port} is in use; pick another with --port (0 = any free port)`, 1)
    return fail(`could not start: ${(error as Error).message}`, 1)
  }
  out(`flowchat-emulator listening on ${emulator.url}`)
  out(`  REST API base URL: ${emulator.restUrl}`)
  // A development key made fresh for this run is printed so it can be copied; a key given with --api-key is not.
  out(
    generatedKey
      ? `  API key (generated for this run): ${emulator.apiKey}`
      : '  API key: the one given with --api-key',
  )
  out(
    `  webhooks: ${config.options.webhooks?.length ? config.options.webhooks.map(webhookLabel).join(', ') : 'none (add with --webhook URL)'}`,
  )

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    out(`flowchat-emulator: ${signal}, stopping`)
    void emulator.close().then(() => process.exit(0))
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

void main()
