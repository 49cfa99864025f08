// Builds the workspace and packs every publishable package the way `pnpm publish` would (`pnpm pack` rewrites
// `workspace:*` ranges and applies `publishConfig`), listing what each tarball holds.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** The package.json fields the packaging test reads. */
export interface PackageManifest {
  name: string
  version: string
  license?: string
  private?: boolean
  types?: string
  exports?: unknown
  bin?: Record<string, string>
  customElements?: string
  sideEffects?: unknown
  engines?: { node?: string }
  repository?: { url?: string; directory?: string }
  dependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
}

/** One packed package. */
export interface PackedPackage {
  name: string
  /** Absolute path of the `.tgz`. */
  tarball: string
  /** Entries as `tar` lists them: `package/dist/index.js`, … */
  entries: string[]
  /** The package.json inside the tarball. */
  manifest: PackageManifest
}

const root = join(import.meta.dirname, '..', '..')

/** Runs a command to completion; throws with its output when it fails. */
export function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} (in ${cwd}): exit ${result.status ?? result.signal}\n${result.stdout}\n${result.stderr}`,
    )
  }
  return result.stdout
}

/** The folders of the workspace's publishable (not private) packages. */
export function publishableDirs(): string[] {
  return ['packages', 'apps'].flatMap((group) =>
    readdirSync(join(root, group))
      .map((name) => join(root, group, name))
      .filter((dir) => {
        try {
          return !(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageManifest).private
        } catch {
          return false
        }
      }),
  )
}

/**
 * Runs `pnpm build`, then `pnpm pack` for each publishable package into `destination`.
 *
 * @example
 * const packed = packWorkspace(mkdtempSync(join(tmpdir(), 'packs-')))
 * packed.map((p) => p.name) // ['@flowchat/core', '@flowchat/widget', '@flowchat/emulator', '@flowchat/relay']
 */
export function packWorkspace(destination: string): PackedPackage[] {
  mkdirSync(destination, { recursive: true })
  run('pnpm', ['build'], root)
  return publishableDirs().map((dir) => {
    const before = new Set(readdirSync(destination))
    run('pnpm', ['pack', '--pack-destination', destination], dir)
    const file = readdirSync(destination).find((f) => f.endsWith('.tgz') && !before.has(f))
    if (!file) throw new Error(`pnpm pack in ${dir} made no tarball`)
    const tarball = join(destination, file)
    const entries = run('tar', ['-tzf', tarball], destination).split('\n').filter(Boolean)
    const manifest = JSON.parse(
      run('tar', ['-xzOf', tarball, 'package/package.json'], destination),
    ) as PackageManifest
    return { name: manifest.name, tarball, entries, manifest }
  })
}
