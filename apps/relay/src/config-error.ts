/** One bad setting: who it is (a flag and variable, or an option path) and the rule it breaks. */
export interface ConfigIssue {
  /** `--port (FLOWCHAT_PORT)` on the command line, `retention.maxAgeMs` for `createRelay`. */
  setting: string
  message: string
}

/**
 * A configuration problem of the relay, from the CLI or from `createRelay`. The message names every bad setting
 * and its rule on one line; a secret's value never appears in it.
 *
 * @example
 * try {
 *   await createRelay({ apiKey, webhookSecret, tokenSecret: 'short' })
 * } catch (error) {
 *   if (error instanceof ConfigError) console.error(error.message) // 'Invalid relay options: tokenSecret: must be …'
 * }
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  readonly code = 'invalid_config'
  readonly issues: readonly ConfigIssue[]

  constructor(message: string, issues: readonly ConfigIssue[] = []) {
    super(message)
    this.issues = issues
  }

  /**
   * The error for a list of issues, all on one line.
   *
   * @example
   * ConfigError.of('Invalid configuration', [{ setting: '--port (FLOWCHAT_PORT)', message: 'must be at most 65535' }])
   */
  static of(title: string, issues: readonly ConfigIssue[]): ConfigError {
    return new ConfigError(`${title}: ${issues.map((i) => `${i.setting}: ${i.message}`).join('; ')}`, issues)
  }
}
