import { PORT_SETTINGS, type StackService } from './stack-options.js'

const LABEL = { emulator: 'The Flow.ai emulator', relay: 'The relay', demo: 'The demo pages server' } as const

/** A server of the stack could not start; the message says which one and what to change. */
export class StackStartError extends Error {
  override readonly name = 'StackStartError'
  constructor(
    readonly service: StackService,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

/** Vite reports a taken strict port as a plain Error; Node servers set `code`. */
function isPortInUse(error: unknown): boolean {
  return (
    errorCode(error) === 'EADDRINUSE' || /port \d+ is already in use/i.test(String((error as Error)?.message))
  )
}

/**
 * Turns a failed `listen` into a message a newcomer can act on: which server, which port, and the variable
 * or flag that moves it. Never includes secrets (only the host and port are known here).
 *
 * @example
 * throw toStackStartError('relay', '127.0.0.1', 8788, error)
 */
export function toStackStartError(
  service: StackService,
  host: string,
  port: number,
  error: unknown,
): StackStartError {
  const setting = PORT_SETTINGS[service]
  const other = port === 0 ? setting.defaultPort + 10 : port + 10
  const fix = `pick another port: ${setting.env}=${other} pnpm start (or pnpm start -- ${setting.flag} ${other})`
  if (isPortInUse(error)) {
    return new StackStartError(
      service,
      `${LABEL[service]} cannot listen on ${host}:${port}: the port is already in use ` +
        `(an earlier \`pnpm start\` still running?). Stop that process, or ${fix}.`,
      { cause: error },
    )
  }
  if (errorCode(error) === 'EACCES') {
    return new StackStartError(
      service,
      `${LABEL[service]} is not allowed to listen on ${host}:${port} (ports below 1024 need privileges); ${fix}.`,
      { cause: error },
    )
  }
  if (errorCode(error) === 'EADDRNOTAVAIL' || errorCode(error) === 'ENOTFOUND') {
    return new StackStartError(
      service,
      `${LABEL[service]} cannot listen on ${host}: no such address on this machine; set FLOWCHAT_HOST (or --host) to one it has, e.g. 127.0.0.1.`,
      { cause: error },
    )
  }
  const detail = error instanceof Error ? error.message : String(error)
  return new StackStartError(service, `${LABEL[service]} could not start: ${detail}`, { cause: error })
}
