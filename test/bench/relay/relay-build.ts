import { spawnSync } from 'node:child_process'
import { repoRoot, startChild, type Child } from '../lib/child-process.js'
import type { RelayConfig } from './relay-config.js'

/**
 * Whether relay processes run the relay as built (its `dist/` and core's, what a user installs) rather than from
 * source through tsx, whose transform adds work a built relay never does (a naming call and a property table for
 * every closure it makes per request and per stream). Source only when BENCH_RELAY_SOURCE names a TypeScript copy,
 * so an A/B compares like with like.
 */
export const relayBuilt = (): boolean => !(process.env.BENCH_RELAY_SOURCE ?? '').endsWith('.ts')

/**
 * Builds `@flowchat/core` and `@flowchat/relay` (`dist/`, as `pnpm build` does) so the benchmark measures the
 * current source as users get it, never a stale build. Returns why it could not, or undefined.
 *
 * @example
 * const missing = buildRelay()
 * if (missing) sections.push(skipped('relay', 'Relay', missing))
 */
export function buildRelay(): string | undefined {
  if (!relayBuilt()) return undefined
  const result = spawnSync('pnpm', ['--filter', '@flowchat/core', '--filter', '@flowchat/relay', 'build'], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 180_000,
  })
  if (result.status !== 0) return `the relay build failed: ${(result.stderr || result.stdout).slice(-500)}`
  return undefined
}

/**
 * Node or V8 flags for the relay processes only, from `BENCH_RELAY_NODE_FLAGS` (space-separated): to measure how a
 * deployment's flags (e.g. `--no-allocation-site-pretenuring`) change the relay's figures beside the same bare server.
 */
function relayNodeFlags(): string[] {
  return (process.env.BENCH_RELAY_NODE_FLAGS ?? '').split(' ').filter((flag) => flag !== '')
}

/**
 * A relay process (`relay/relay-process.ts`) as every benchmark starts one: the relay as built unless
 * BENCH_RELAY_SOURCE names a source copy, with `BENCH_RELAY_NODE_FLAGS` and then `execArgv`.
 *
 * @example
 * const relay = await startRelayProcess(config, ['--expose-gc'])
 */
export function startRelayProcess(config: RelayConfig, execArgv: string[] = []): Promise<Child> {
  return startChild('relay/relay-process.ts', {
    config,
    built: relayBuilt(),
    execArgv: [...relayNodeFlags(), ...execArgv],
  })
}
