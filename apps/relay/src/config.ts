import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { ConfigError, type ConfigIssue } from './config-error.js'
import { misspeltVariables } from './misspelt-variables.js'
import type { RelayOptions } from './relay.js'
import {
  RELAY_SETTINGS,
  settingLabel,
  type RelaySetting,
  type RelaySettingName,
  type SettingReader,
} from './relay-settings.js'
import {
  checkRule,
  cliSettingNames,
  resolveSettings,
  writeOptionPath,
  type CliSettingName,
  type ResolvedSettings,
} from './resolve-settings.js'

export { ConfigError } from './config-error.js'

/** The command line's validated settings, with defaults filled in. */
export type RelayConfig = ResolvedSettings<CliSettingName>

/**
 * The flags of every setting, for `parseArgs`.
 *
 * @example
 * settingFlags['token-secret'] // { type: 'string' }
 */
export const settingFlags: Record<string, { type: 'string' }> = Object.fromEntries(
  cliSettingNames().map((name) => [
    (RELAY_SETTINGS[name] as RelaySetting).flag!,
    { type: 'string' as const },
  ]),
)

/**
 * The variable that names a file holding a secret setting's value, as container platforms mount secrets.
 *
 * @example
 * fileVariable('FLOWCHAT_API_KEY') // 'FLOWCHAT_API_KEY_FILE'
 */
/**
 * The nodes of `--redis-sentinels` or `--redis-cluster` (already checked by their rule) as ioredis takes them: an
 * IPv6 address without its brackets.
 *
 * @example
 * redisNodes(['10.0.0.2:26379', '[::1]:26380']) // [{ host: '10.0.0.2', port: 26379 }, { host: '::1', port: 26380 }]
 */
export function redisNodes(list: readonly string[]): { host: string; port: number }[] {
  return list.map((entry) => {
    const at = entry.lastIndexOf(':')
    return { host: entry.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(entry.slice(at + 1)) }
  })
}

export const fileVariable = (env: string): string => `${env}_FILE`

/**
 * Drops a leading `--`: pnpm passes it through to package scripts (`pnpm start -- --port 9000`).
 *
 * @example
 * withoutLeadingDashes(['--', '--port', '9000']) // ['--port', '9000']
 */
export const withoutLeadingDashes = (args: readonly string[]): string[] =>
  args[0] === '--' ? args.slice(1) : [...args]

/**
 * Reads the configuration from flags (which win), `FLOWCHAT_*` variables, the files named by `FLOWCHAT_*_FILE`
 * variables (secrets; trailing newline trimmed) and `PORT` (when `FLOWCHAT_PORT` is unset), and validates it with
 * the rules `createRelay` uses. Throws one `ConfigError` naming every missing or bad setting; secrets' values never
 * appear in it. A flag given an empty value (`--port ''`) is such an error; a variable set to the empty string
 * counts as unset, as compose and shells write unset values, and is listed in `options.warnings`, as is a setting
 * that the chosen storage ignores.
 *
 * @example
 * const warnings: string[] = []
 * const config = loadConfig(process.argv.slice(2), process.env, { warnings })
 */
export function loadConfig(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: { only?: CliSettingName[]; warnings?: string[] } = {},
): RelayConfig {
  let values: Record<string, string | boolean | undefined>
  try {
    ;({ values } = parseArgs({
      args: withoutLeadingDashes(args),
      options: settingFlags,
      strict: true,
      allowPositionals: false,
    }))
  } catch (error) {
    // parseArgs names the unknown flag; it never holds a value of a known one.
    throw new ConfigError(error instanceof Error ? error.message : String(error))
  }
  const names = options.only ?? cliSettingNames()
  const issues: ConfigIssue[] = []
  const warnings = options.warnings ?? []
  const typed: Partial<Record<RelaySettingName, unknown>> = {}
  for (const name of names) {
    const s: RelaySetting = RELAY_SETTINGS[name]
    const text = rawValue(s, values[s.flag!], env, issues, warnings)
    if (text === undefined) continue
    // A value from the fallback variable (`PORT`) is named by it: the operator never set the usual one.
    const fallback =
      s.fallbackEnv !== undefined && values[s.flag!] === undefined && nonEmpty(env[s.env!]) === undefined
    const label = fallback
      ? `--${s.flag} (${s.fallbackEnv}, read as ${s.env} is unset)`
      : settingLabel(name, 'cli')
    const value = readText(s, text)
    const tooShort = cliLeastRule(s, value)
    if (value === undefined) issues.push({ setting: label, message: readRule(s) })
    else if (tooShort !== undefined) {
      // The value is named (no such setting is secret): `--heartbeat-ms 15` shows the operator the slip.
      const given =
        typeof values[s.flag!] === 'string' ? `--${s.flag} ${text.trim()}` : `${s.env}=${text.trim()}`
      issues.push({ setting: given, message: tooShort })
    } else if (!fallback) typed[name] = value
    else {
      const checked = checkRule(s, value)
      if (checked.ok) typed[name] = checked.value
      else issues.push({ setting: label, message: checked.message })
    }
  }
  if (options.only === undefined) warnings.push(...misspeltVariables(env, knownVariables()))
  const config = resolveSettings(names, typed, 'cli', issues)
  if (config.storage === 'memory') {
    // Settings only Redis storage reads: the table's `redis…` entries.
    const ignored = names.filter((name) => name.startsWith('redis') && typed[name] !== undefined)
    if (ignored.length > 0) {
      warnings.push(
        `${ignored.map((name) => `--${RELAY_SETTINGS[name].flag}`).join(', ')} ignored: the storage is memory (--storage redis uses them)`,
      )
    }
  }
  if (config.storage === 'redis' && config.redisSentinels === undefined) {
    // Settings only a Sentinel target reads: given without sentinels, they would do nothing unseen.
    const ignored = (['redisMasterName', 'redisSentinelUsername', 'redisSentinelPassword'] as const).filter(
      (name) => typed[name] !== undefined,
    )
    if (ignored.length > 0) {
      warnings.push(
        `${ignored.map((name) => `--${RELAY_SETTINGS[name].flag}`).join(', ')} ignored: only with --redis-sentinels`,
      )
    }
  }
  return config
}

/** Every variable the relay reads: each setting's, and a secret's `*_FILE` too. */
function knownVariables(): string[] {
  return cliSettingNames().flatMap((name) => {
    const s: RelaySetting = RELAY_SETTINGS[name]
    return [s.env!, ...(s.secret ? [fileVariable(s.env!)] : [])]
  })
}

/**
 * One setting's text read and checked by the table's rule, as the relay reads it: the value, or the rule it
 * breaks (never the text). For commands that take a setting under another flag (`token --ttl`).
 *
 * @example
 * readSetting('tokenTtlSeconds', '1e20') // { ok: false, message: 'must be a whole number' }
 */
export function readSetting<K extends CliSettingName>(
  name: K,
  text: string,
): { ok: true; value: RelayConfig[K] } | { ok: false; message: string } {
  const s: RelaySetting = RELAY_SETTINGS[name]
  if (text === '') return { ok: false, message: 'empty value' }
  const value = readText(s, text)
  if (value === undefined) return { ok: false, message: readRule(s) }
  const checked = checkRule(s, value)
  return checked.ok ? { ok: true, value: checked.value as RelayConfig[K] } : checked
}

/** The text of one setting: the flag, else its variable, its `_FILE`, or its fallback variable. */
function rawValue(
  s: RelaySetting,
  flag: string | boolean | undefined,
  env: NodeJS.ProcessEnv,
  issues: ConfigIssue[],
  warnings: string[],
): string | undefined {
  const variable = s.env!
  // An explicit empty flag is a mistake (a shell variable that expanded to nothing); it would otherwise fall back
  // to the variable or the default unseen.
  if (flag === '') {
    issues.push({ setting: `--${s.flag}`, message: 'empty value' })
    return undefined
  }
  const variables = [variable, ...(s.secret ? [fileVariable(variable)] : [])]
  for (const name of variables) {
    if (env[name] === '' && typeof flag !== 'string')
      warnings.push(`${name} is set but empty: treated as unset`)
  }
  const direct = nonEmpty(env[variable])
  const file = s.secret ? nonEmpty(env[fileVariable(variable)]) : undefined
  if (direct !== undefined && file !== undefined) {
    issues.push({
      setting: `${variable} and ${fileVariable(variable)}`,
      message: 'both are set; set only one',
    })
    return undefined
  }
  if (typeof flag === 'string') return flag
  if (direct !== undefined) return direct
  if (file !== undefined) {
    try {
      return readFileSync(file, 'utf8').replace(/(\r?\n)+$/, '')
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error'
      issues.push({ setting: `${fileVariable(variable)}=${file}`, message: `cannot be read (${code})` })
      return undefined
    }
  }
  return s.fallbackEnv ? nonEmpty(env[s.fallbackEnv]) : undefined
}

const nonEmpty = (value: string | undefined) => (value === undefined || value === '' ? undefined : value)

/** Converts a setting's text to the option's type; `undefined` when the text does not fit the reader. */
function readText(s: RelaySetting, text: string): unknown {
  switch (s.read) {
    case 'text':
      return text
    case 'int':
      return /^\s*-?\d+\s*$/.test(text) ? Number(text) : undefined
    case 'number':
      return /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : undefined
    case 'seconds':
      return /^\s*-?\d+\s*$/.test(text) ? Number(text) * 1000 : undefined
    case 'bool':
      return readBool(text)
    case 'boolOrInt':
      return /^\s*\d+\s*$/.test(text) ? Number(text) : readBool(text)
    case 'list':
      return text
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
  }
}

function readBool(text: string): boolean | undefined {
  const v = text.trim().toLowerCase()
  if (['true', '1', 'yes'].includes(v)) return true
  if (['false', '0', 'no'].includes(v)) return false
  return undefined
}

/**
 * The floor a millisecond setting's value is under on the command line (`cliLeastMs`), as a rule naming the unit;
 * `undefined` when it is not under it (or is `0` where `0` has a meaning).
 *
 * @example
 * cliLeastRule(RELAY_SETTINGS.heartbeatMs, 15) // 'must be at least 1000 (milliseconds)'
 */
function cliLeastRule(s: RelaySetting, value: unknown): string | undefined {
  const floor = s.cliLeastMs
  if (floor === undefined || typeof value !== 'number' || value >= floor.least) return undefined
  if (floor.zero === undefined) return `must be at least ${floor.least} (milliseconds)`
  return value === 0 ? undefined : `must be 0 (${floor.zero}) or at least ${floor.least} (milliseconds)`
}

/** What a setting's text must look like, by its reader (the zod rule then checks the value). */
const READ_RULES: Record<SettingReader, string> = {
  // `readText` takes any text and any list: these two are never said.
  text: 'must be text',
  list: 'must be a comma-separated list',
  int: 'must be a whole number',
  number: 'must be a number',
  seconds: 'must be a whole number of seconds',
  bool: 'must be true, false, 1, 0, yes or no',
  boolOrInt: 'must be true, false, yes, no or a whole number',
}

const readRule = (s: RelaySetting): string => READ_RULES[s.read]

/**
 * The `createRelay` options of a validated configuration (without storage, which the entry point chooses).
 *
 * @example
 * const relay = await createRelay(relayOptions(config))
 */
export function relayOptions(config: RelayConfig): RelayOptions {
  const options: Record<string, unknown> = {}
  for (const name of cliSettingNames()) {
    const s: RelaySetting = RELAY_SETTINGS[name]
    const value = config[name]
    if (s.option !== undefined && value !== undefined) writeOptionPath(options, s.option, value)
  }
  options.logger = config.logLevel === 'silent' ? false : { level: config.logLevel }
  return options as unknown as RelayOptions
}
