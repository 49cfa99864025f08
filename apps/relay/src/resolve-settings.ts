import type * as z from 'zod'
import { ConfigError, type ConfigIssue } from './config-error.js'
import { minReaderBufferBytes } from './ingest-limits.js'
import {
  RELAY_SETTINGS,
  relaySettingEntries,
  settingLabel,
  type RelaySetting,
  type RelaySettingName,
} from './relay-settings.js'

type Settings = typeof RELAY_SETTINGS
type Value<K extends RelaySettingName> = z.output<Settings[K]['rule']>

/** The validated settings: each with its default filled in; optional ones may be `undefined`. */
export type ResolvedSettings<K extends RelaySettingName = RelaySettingName> = {
  [P in K]: Settings[P] extends { default: unknown } | { required: true } ? Value<P> : Value<P> | undefined
}

/** Settings `createRelay` takes (those with an option path). */
export type ApiSettingName = {
  [K in RelaySettingName]: Settings[K] extends { option: string } ? K : never
}[RelaySettingName]

/** Settings the command line reads (those with a flag). */
export type CliSettingName = {
  [K in RelaySettingName]: Settings[K] extends { flag: string } ? K : never
}[RelaySettingName]

/**
 * Validates `values` (already in the option's type) against the table's rules and fills in defaults. `audience`
 * picks how settings are named in errors (`--port (FLOWCHAT_PORT)` or `port`) and which default applies
 * (`createRelay` listens on any free port). `issues` are problems found earlier (unreadable files, bad numbers);
 * all of them are thrown together as one `ConfigError`. A value never appears in a message.
 *
 * @example
 * resolveSettings(['port'], { port: 9000 }, 'cli').port // 9000
 */
export function resolveSettings<K extends RelaySettingName>(
  names: readonly K[],
  values: Partial<Record<RelaySettingName, unknown>>,
  audience: 'cli' | 'api',
  issues: ConfigIssue[] = [],
): ResolvedSettings<K> {
  const out: Record<string, unknown> = {}
  const wanted = new Set<RelaySettingName>(names)
  for (const [name, s] of relaySettingEntries()) {
    if (!wanted.has(name)) continue
    let value = values[name]
    if (value === undefined) {
      value = audience === 'api' && 'apiDefault' in s ? s.apiDefault : s.default
      if (value === undefined) {
        if (s.required) issues.push({ setting: settingLabel(name, audience), message: 'required' })
        continue
      }
    }
    const checked = checkRule(s, value)
    if (checked.ok) out[name] = checked.value
    else issues.push({ setting: settingLabel(name, audience), message: checked.message })
  }
  if (wanted.has('storage') && out.storage === 'redis') {
    const nodes = [out.redisUrl, out.redisSentinels, out.redisCluster].filter((v) => v !== undefined)
    // Given but refused by its rule, a setting is already named for what is wrong with it, not also as missing.
    const given = (name: RelaySettingName) => values[name] !== undefined
    if (!given('redisSentinels') && !given('redisCluster') && !given('redisUrl')) {
      issues.push({
        setting: settingLabel('redisUrl', audience),
        message: 'required with --storage redis (or --redis-sentinels, or --redis-cluster)',
      })
    }
    if (out.redisSentinels !== undefined && out.redisCluster !== undefined && nodes.length > 0) {
      issues.push({
        setting: settingLabel('redisCluster', audience),
        message: 'cannot be used with --redis-sentinels',
      })
    }
    if (out.redisSentinels !== undefined && out.redisMasterName === undefined) {
      issues.push({
        setting: settingLabel('redisMasterName', audience),
        message: 'required with --redis-sentinels',
      })
    }
  }
  if (typeof out.metricsPort === 'number' && out.metricsPort !== 0 && out.metricsPort === out.port) {
    issues.push({
      setting: settingLabel('metricsPort', audience),
      message: `must differ from ${settingLabel('port', audience)} (it is a second listener)`,
    })
  }
  if (typeof out.maxBufferedBytes === 'number' && typeof out.bodyLimitBytes === 'number') {
    const least = minReaderBufferBytes(out.bodyLimitBytes)
    if (out.maxBufferedBytes < least) {
      issues.push({
        setting: settingLabel('maxBufferedBytes', audience),
        message: `must be at least ${String(least)} with this body limit (2 × (body limit + 8 KiB) + 16 KiB), or the largest event would cut every reader off`,
      })
    }
  }
  if (issues.length > 0) {
    throw ConfigError.of(audience === 'cli' ? 'Invalid configuration' : 'Invalid relay options', issues)
  }
  return out as ResolvedSettings<K>
}

/**
 * The names of the settings `createRelay` takes.
 *
 * @example
 * apiSettingNames().includes('retentionMaxAge') // true (option `retention.maxAgeMs`)
 */
export const apiSettingNames = (): ApiSettingName[] =>
  relaySettingEntries()
    .filter(([, s]) => s.option !== undefined)
    .map(([name]) => name as ApiSettingName)

/**
 * The names of the settings the command line reads.
 *
 * @example
 * cliSettingNames().includes('logLevel') // true
 */
export const cliSettingNames = (): CliSettingName[] =>
  relaySettingEntries()
    .filter(([, s]) => s.flag !== undefined)
    .map(([name]) => name as CliSettingName)

/**
 * Reads an option path (`retention.maxAgeMs`) of an options object.
 *
 * @example
 * readOptionPath({ retention: { maxAgeMs: 5000 } }, 'retention.maxAgeMs') // 5000
 */
export function readOptionPath(options: object, path: string): unknown {
  let current: unknown = options
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string, unknown>)[key]
  }
  return current
}

/**
 * Sets an option path (`retention.maxAgeMs`) of an options object, creating the objects on the way.
 *
 * @example
 * const options = {}
 * writeOptionPath(options, 'retention.maxAgeMs', 5000) // options: { retention: { maxAgeMs: 5000 } }
 */
export function writeOptionPath(options: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.')
  let current = options
  for (const key of keys.slice(0, -1)) current = (current[key] ??= {}) as Record<string, unknown>
  current[keys.at(-1)!] = value
}

/**
 * `createRelay`'s check of its options: the same rules and defaults as the command line, errors naming the option
 * path (`tokenSecret: must be at least 32 characters`), never a value.
 *
 * @example
 * validateRelayOptions({ apiKey, webhookSecret, tokenSecret }).heartbeatMs // 15000
 */
export function validateRelayOptions(options: object): ResolvedSettings<ApiSettingName> {
  const values: Partial<Record<RelaySettingName, unknown>> = {}
  for (const name of apiSettingNames()) {
    values[name] = readOptionPath(options, (RELAY_SETTINGS[name] as { option: string }).option)
  }
  return resolveSettings(apiSettingNames(), values, 'api')
}

/**
 * A setting's value checked by the table's rule: the value as the rule gives it back, or the rule's message
 * (never the value).
 *
 * @example
 * checkRule(RELAY_SETTINGS.port, 70000) // { ok: false, message: 'must be at most 65535' }
 */
export function checkRule(
  s: RelaySetting,
  value: unknown,
): { ok: true; value: unknown } | { ok: false; message: string } {
  const parsed = s.rule.safeParse(value)
  if (parsed.success) return { ok: true, value: parsed.data }
  return { ok: false, message: parsed.error.issues[0]?.message ?? 'is invalid' }
}
