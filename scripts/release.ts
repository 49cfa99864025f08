// `pnpm release`: builds every package, packs each publishable one into `.release/` (the tarballs a registry would
// get: `workspace:*` rewritten, `publishConfig` applied) and runs `pnpm publish --dry-run` for them.
// `pnpm release --publish`: the same, then `changeset publish` (needs registry credentials: `npm login`, or
// NPM_TOKEN in CI). Versions and changelogs come first, from `pnpm changeset version`.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const out = join(root, '.release')
const publish = process.argv.includes('--publish')

function run(command: string, args: string[], cwd = root): string {
  console.log(`\n▶ ${command} ${args.join(' ')}${cwd === root ? '' : ` (in ${cwd})`}`)
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
  process.stdout.write(result.stdout ?? '')
  if (result.status !== 0) {
    console.error(`release: ${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`)
    process.exit(result.status ?? 1)
  }
  return result.stdout
}

run('pnpm', ['build'])

const packages = (
  JSON.parse(run('pnpm', ['ls', '-r', '--depth', '-1', '--json'])) as {
    name: string
    version: string
    path: string
    private?: boolean
  }[]
).filter((p) => !p.private)
rmSync(out, { recursive: true, force: true })
mkdirSync(out)
for (const p of packages) run('pnpm', ['pack', '--pack-destination', out], p.path)

if (publish) run('pnpm', ['exec', 'changeset', 'publish'])
else run('pnpm', ['-r', 'publish', '--dry-run', '--no-git-checks'])

console.log(`\nrelease: ${packages.map((p) => `${p.name}@${p.version}`).join(', ')}`)
console.log(`tarballs in .release/: ${readdirSync(out).join(', ')}`)
console.log(
  publish ? 'published.' : 'dry run complete: nothing was published (`pnpm release --publish` publishes).',
)
