/** Severity of a log entry. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

/** One structured log entry: a short event name (`webhook.retry`) and its fields. Never carries the API key. */
export interface LogEntry {
  level: LogLevel
  event: string
  message: string
  [field: string]: unknown
}

/** Receives every log entry. Tests pass one to observe retries; the CLI prints readable lines. */
export type EmulatorLogger = (entry: LogEntry) => void

/** The API default: says nothing. */
export const quietLogger: EmulatorLogger = () => {}

/**
 * A logger that prints one readable line per entry (`12:00:01 warn  webhook.retry  …`), debug entries only
 * when `verbose`.
 *
 * @example
 * const emulator = await startEmulator({ logger: createLineLogger() })
 */
export function createLineLogger(
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  verbose = false,
): EmulatorLogger {
  return (entry) => {
    if (entry.level === 'debug' && !verbose) return
    const time = new Date().toISOString().slice(11, 23)
    write(`${time} ${entry.level.padEnd(5)} ${entry.message}`)
  }
}
