import { parseArgs } from 'node:util'
import { MAX_TIMER_MS, type EmulatorOptions } from './options.js'
import { webhookLabel, webhookUrlProblem } from './webhook/webhook-url.js'

/** The CLI's help text. */
export const HELP = `flowchat-emulator: a Flow.ai REST API v1 compatible server with a scripted bot

Usage: flowchat-emulator [options]

  --port N             port to listen on; 0 picks a free one (default 8787)
  --host HOST          interface to listen on (default 127.0.0.1)
  --api-key KEY        the API key to accept (default: a new development key, printed)
  --auth MODE          raw (Authorization: KEY), bearer (Authorization: Bearer KEY) or both (default)
  --dialect NAME       webhook event names: current (message, paused, …) or legacy (message.reply, …)
  --webhook URL        a webhook to call (repeatable); probed with GET when registered
  --script FILE        bot rules (JSON); see the README for the format
  --latency-ms N       added before each REST answer (default 0)
  --reply-delay-ms N   between the parts of a multi-part bot reply (default 300)
  --retry-max-age T    how long a webhook event is retried: ms, or 30s, 10m, 4h (default 4h)
  --retry-base-ms N    first retry delay (1 or more), doubled each attempt (default 1000)
  --duplicate-rate R   fraction 0..1 of deliveries sent twice
  --fail-rate R        fraction 0..1 of delivery attempts failed on purpose (then retried)
  --delay-ms N         extra wait before each delivery attempt
  --reorder            randomise that wait (0..delay-ms) so threads' events interleave differently
  --seed N             seed for the fault dice
  --verbose            log every request and delivery
  --help               show this help
`

/** A flag the CLI cannot use; the message names it. Exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

export interface CliConfig {
  help: boolean
  verbose: boolean
  options: EmulatorOptions
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const

/**
 * Parses the command line strictly: an unknown flag, a missing value or a bad number is a `UsageError` naming it.
 *
 * @example
 * parseCliArgs(['--port', '0', '--webhook', 'http://127.0.0.1:9/hook']).options.port // 0
 */
export function parseCliArgs(argv: string[]): CliConfig {
  let values: Record<string, string | boolean | string[] | undefined>
  try {
    ;({ values } = parseArgs({
      // `pnpm start -- --port 0` passes the `--` through: skip a leading one.
      args: argv[0] === '--' ? argv.slice(1) : argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'api-key': { type: 'string' },
        auth: { type: 'string' },
        dialect: { type: 'string' },
        webhook: { type: 'string', multiple: true },
        script: { type: 'string' },
        'latency-ms': { type: 'string' },
        'reply-delay-ms': { type: 'string' },
        'retry-max-age': { type: 'string' },
        'retry-base-ms': { type: 'string' },
        'duplicate-rate': { type: 'string' },
        'fail-rate': { type: 'string' },
        'delay-ms': { type: 'string' },
        reorder: { type: 'boolean' },
        seed: { type: 'string' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  const str = (name: string) => values[name] as string | undefined
  const num = (name: string, check: (n: number) => boolean, rule: string): number | undefined => {
    const raw = str(name)
    if (raw === undefined) return undefined
    const n = Number(raw)
    if (raw.trim() === '' || !Number.isFinite(n) || !check(n))
      throw new UsageError(`--${name} ${raw}: must be ${rule}`)
    return n
  }
  const oneOf = <T extends string>(name: string, allowed: readonly T[]): T | undefined => {
    const raw = str(name)
    if (raw === undefined) return undefined
    if (!(allowed as readonly string[]).includes(raw))
      throw new UsageError(`--${name} ${raw}: must be one of ${allowed.join(', ')}`)
    return raw as T
  }
  const whole = (n: number) => Number.isInteger(n) && n >= 0
  const rate = (n: number) => n >= 0 && n <= 1
  // Waits become Node timers, which hold 2^31-1 ms at most.
  const wait = (n: number) => whole(n) && n <= MAX_TIMER_MS
  const waitRule = `a whole number from 0 to ${MAX_TIMER_MS}`

  const webhooks = (values.webhook as string[] | undefined) ?? []
  for (const url of webhooks) {
    const problem = webhookUrlProblem(url)
    if (problem) throw new UsageError(`--webhook ${webhookLabel(url)}: ${problem}`)
  }
  let retryMaxAgeMs: number | undefined
  const age = str('retry-max-age')
  if (age !== undefined) {
    const m = DURATION.exec(age.trim())
    if (!m) throw new UsageError(`--retry-max-age ${age}: must be a duration like 90000, 30s, 10m or 4h`)
    retryMaxAgeMs = Number(m[1]) * UNIT_MS[(m[2] ?? 'ms') as keyof typeof UNIT_MS]
  }
  const port = num('port', (n) => whole(n) && n <= 65535, 'a whole number from 0 to 65535')
  const apiKey = str('api-key')
  if (apiKey !== undefined && (apiKey === '' || /\s/.test(apiKey)))
    throw new UsageError('--api-key: must be non-empty and without spaces')
  const faults = {
    duplicateRate: num('duplicate-rate', rate, 'a number from 0 to 1'),
    failRate: num('fail-rate', rate, 'a number from 0 to 1'),
    delayMs: num('delay-ms', wait, waitRule),
    reorder: values.reorder === true ? true : undefined,
    seed: num('seed', Number.isInteger, 'a whole number'),
  }
  // 0 would retry a failing webhook in a busy loop.
  const retryBase = num('retry-base-ms', (n) => wait(n) && n >= 1, `a whole number from 1 to ${MAX_TIMER_MS}`)
  const options: EmulatorOptions = {
    port: port ?? 8787,
    replyDelayMs: num('reply-delay-ms', wait, waitRule) ?? 300,
    webhooks,
    faults: Object.fromEntries(Object.entries(faults).filter(([, v]) => v !== undefined)),
    ...defined({
      host: str('host'),
      apiKey,
      auth: oneOf('auth', ['raw', 'bearer', 'both'] as const),
      dialect: oneOf('dialect', ['current', 'legacy'] as const),
      script: str('script'),
      latencyMs: num('latency-ms', wait, waitRule),
      retryMaxAgeMs,
      retry: retryBase === undefined ? undefined : { baseDelayMs: retryBase },
    }),
  }
  return { help: values.help === true, verbose: values.verbose === true, options }
}

function defined<T extends Record<string, unknown>>(
  o: T,
): Partial<{ [K in keyof T]: Exclude<T[K], undefined> }> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<{
    [K in keyof T]: Exclude<T[K], undefined>
  }>
}
