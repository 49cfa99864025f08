import { spawnSync } from 'node:child_process'
import { repoRoot } from '../lib/child-process.js'

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
