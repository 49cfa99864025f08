import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus, release, totalmem } from 'node:os'
import { repoRoot } from './child-process.js'

function git(...args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim()
  } catch {
    return 'unknown'
  }
}

function osName(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))
    if (m?.[1]) return `${m[1]}, Linux ${release()}`
  } catch {
    // Not Linux, or no os-release: the kernel release alone still says something.
  }
  return `${process.platform} ${release()}`
}

/**
 * What the figures were measured on.
 *
 * @example
 * machine() // { cpu: 'AMD EPYC …', cores: 2, memory: '23.5 GiB', os: 'Debian GNU/Linux 12 (bookworm), Linux …' }
 */
export function machine(extra: Record<string, string | number> = {}): Record<string, string | number> {
  const cpu = cpus()
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: osName(),
    ...extra,
  }
}

/**
 * Node and the commit the relay and widget were measured at (with `+dirty` when their folders had uncommitted
 * changes, so a figure is never attributed to code that was not committed).
 */
export function versions(extra: Record<string, string> = {}): Record<string, string> {
  const commitOf = (dir: string) => {
    const commit = git('log', '-1', '--format=%h', '--', dir)
    const dirty = git('status', '--porcelain', '--', dir) !== ''
    return `${commit || 'uncommitted'}${dirty ? '+dirty' : ''}`
  }
  return {
    node: process.version,
    repository: git('rev-parse', '--short', 'HEAD'),
    relay: commitOf('apps/relay'),
    core: commitOf('packages/core'),
    widget: commitOf('packages/widget'),
    ...extra,
  }
}
