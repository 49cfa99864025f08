import { fileVariable } from './config.js'
import { RELAY_SETTINGS, type RelaySetting } from './relay-settings.js'
import { cliSettingNames } from './resolve-settings.js'

/** One line of the configuration table, as `--help` and the README show it. */
export interface SettingRow {
  /** `--port` */
  flag: string
  /** `FLOWCHAT_PORT`, then `FLOWCHAT_*_FILE` for secrets and a fallback such as `PORT`. */
  variables: string[]
  /** `8788`, `required` or `none`. */
  default: string
  /** The value's name in `--help`: `--port <n>`. */
  placeholder: string
  description: string
}

/** A setting's default as the command line takes it (seconds, not milliseconds). */
function shownDefault(s: RelaySetting): string {
  if (s.required) return 'required'
  const value = s.default
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return 'none'
  if (s.read === 'seconds') return String((value as number) / 1000)
  return typeof value === 'object' ? JSON.stringify(value) : `${value as string | number | boolean}`
}

/**
 * The command line's settings in table order: flag, variables, default, description.
 *
 * @example
 * settingRows().find((r) => r.flag === '--port') // { flag: '--port', variables: ['FLOWCHAT_PORT', 'PORT'], default: '8788', … }
 */
export function settingRows(): SettingRow[] {
  return cliSettingNames().map((name) => {
    const s: RelaySetting = RELAY_SETTINGS[name]
    return {
      flag: `--${s.flag}`,
      variables: [
        s.env!,
        ...(s.secret ? [fileVariable(s.env!)] : []),
        ...(s.fallbackEnv ? [s.fallbackEnv] : []),
      ],
      default: shownDefault(s),
      placeholder: s.placeholder,
      description: s.description,
    }
  })
}

/**
 * `flowchat-relay --help`: usage, then every flag with its variables and default.
 *
 * @example
 * process.stdout.write(relayHelp())
 */
export function relayHelp(): string {
  const lines = [
    'flowchat-relay: Flow.ai webhooks to per-thread SSE, a send proxy that holds the API key, visitor and operator auth',
    '',
    'Usage:',
    '  flowchat-relay [flags]',
    '  flowchat-relay token (--thread <id> [--name <visitor>] | --operator <name>) [--ttl <seconds>]',
    '      --ttl: seconds the token lasts, by the rule of --token-ttl (default: --token-ttl)',
    '',
    'Every flag can be set by its variable instead; a flag wins. Secrets can also be read from the file named by',
    '<variable>_FILE (trailing newline trimmed). Logs are JSON lines on stdout.',
    '',
    'Flags (variables; default):',
  ]
  for (const row of settingRows()) {
    lines.push(`  ${row.flag} <${row.placeholder}>`)
    lines.push(`      ${row.variables.join(', ')}; default: ${row.default}`)
    lines.push(`      ${row.description.replaceAll('`', '')}`)
  }
  lines.push('  --help, -h', '      this help')
  return `${lines.join('\n')}\n`
}
