// `pnpm exec tsx test/bench/profile.ts <file.cpuprofile|dir> [top]`: the hottest functions of CPU profiles
// written by `pnpm bench --profile` (or any `--cpu-prof` run).
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { hottestInFile } from './lib/profile-summary.js'

const [target = join(import.meta.dirname, 'out', 'profiles'), top = '20'] = process.argv.slice(2)
const files = statSync(target).isDirectory()
  ? readdirSync(target, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => join(target, f))
  : [target]
for (const file of files) {
  console.log(`\n${file}`)
  for (const f of hottestInFile(file, Number(top))) {
    console.log(
      `${f.selfMs.toFixed(0).padStart(7)} ms ${f.percent.toFixed(1).padStart(5)} %  ${f.name}  ${f.where}`,
    )
  }
}
