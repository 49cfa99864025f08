/**
 * Where the demo stack listens: fixed default ports so the pages, the README and a bookmark agree, each one
 * overridable by an environment variable or a command-line flag.
 */
import { parseArgs } from 'node:util'

/** Ports of the three servers; 0 picks any free port (tests). */
export interface StackPorts {
  emulator: number
  relay: number
  demo: number
}

export interface StackOptions {
  /** Interface every server binds to. Default 127.0.0.1: the demo hands out operator tokens to any page. */
  host: string
  ports: StackPorts
}

/** The knob that moves each server, for messages that tell the reader what to change. */
export const PORT_SETTINGS = {
  emulator: { env: 'FLOWCHAT_EMULATOR_PORT', flag: '--emulator-port', defaultPort: 8787 },
  relay: { env: 'FLOWCHAT_RELAY_PORT', flag: '--relay-port', defaultPort: 8788 },
  demo: { env: 'FLOWCHAT_DEMO_PORT', flag: '--demo-port', defaultPort: 5173 },
} as const satisfies Record<keyof StackPorts, { env: string; flag: string; defaultPort: number }>

export type StackService = keyof typeof PORT_SETTINGS

/** A setting that cannot be used; the message names the variable or flag and the rule. */
export class StackOptionsError extends Error {
  override readonly name = 'StackOptionsError'
}

export const STACK_HELP = `Usage: pnpm start [-- options]

Starts the Flow.ai emulator, the flowchat relay and the demo pages.

Options (each also an environment variable):
  --demo-port <n>      FLOWCHAT_DEMO_PORT       demo pages (default 5173)
  --relay-port <n>     FLOWCHAT_RELAY_PORT      relay (default 8788)
  --emulator-port <n>  FLOWCHAT_EMULATOR_PORT   Flow.ai emulator (default 8787)
  --host <address>     FLOWCHAT_HOST            interface to bind (default 127.0.0.1)
  -h, --help           this text
Port 0 picks any free port.`

function parsePort(raw: string, source: string): number {
  if (!/^\d{1,5}$/.test(raw.trim()))
    throw new StackOptionsError(`${source}=${raw}: must be a port number from 0 to 65535`)
  const port = Number(raw)
  if (port > 65535) throw new StackOptionsError(`${source}=${raw}: must be a port number from 0 to 65535`)
  return port
}

/**
 * Reads the stack's settings: a flag wins over its environment variable, which wins over the default.
 * Throws `StackOptionsError` naming the flag or variable for anything unusable; `help` is true for `--help`.
 *
 * @example
 * readStackOptions(['--relay-port', '9000'], { FLOWCHAT_DEMO_PORT: '3000' })
 * // { help: false, options: { host: '127.0.0.1', ports: { emulator: 8787, relay: 9000, demo: 3000 } } }
 */
export function readStackOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): { help: boolean; options: StackOptions } {
  let values
  try {
    ;({ values } = parseArgs({
      // `pnpm start -- --relay-port 9000` passes the `--` through: skip a leading one.
      args: argv[0] === '--' ? argv.slice(1) : [...argv],
      options: {
        'demo-port': { type: 'string' },
        'relay-port': { type: 'string' },
        'emulator-port': { type: 'string' },
        host: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }))
  } catch (error) {
    throw new StackOptionsError((error as Error).message)
  }
  const port = (service: StackService): number => {
    const setting = PORT_SETTINGS[service]
    const flag = values[setting.flag.slice(2) as 'demo-port' | 'relay-port' | 'emulator-port']
    if (flag !== undefined) return parsePort(flag, setting.flag)
    const fromEnv = env[setting.env]
    if (fromEnv !== undefined && fromEnv !== '') return parsePort(fromEnv, setting.env)
    return setting.defaultPort
  }
  const host = values.host ?? (env.FLOWCHAT_HOST || '127.0.0.1')
  if (!/^[\w.:[\]-]+$/.test(host))
    throw new StackOptionsError(`host ${JSON.stringify(host)}: must be an address or host name`)
  return {
    help: values.help ?? false,
    options: { host, ports: { emulator: port('emulator'), relay: port('relay'), demo: port('demo') } },
  }
}
