// `pnpm build` in a package (its `build` script): a clean `dist/` from `tsconfig.build.json` with TypeScript 7:
// ES modules, `.d.ts` and source maps (sources inlined, so the maps need no `src/` in the tarball).
import { spawnSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join } from 'node:path'

const tsc = join(import.meta.dirname, '..', 'node_modules', 'typescript7', 'bin', 'tsc')
// A file deleted from src/ must not live on in dist/.
rmSync('dist', { recursive: true, force: true })
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' })
process.exit(result.status ?? 1)
