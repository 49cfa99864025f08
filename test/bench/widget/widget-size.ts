import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, constants } from 'node:zlib'
import { sizeBreakdown } from '../../../packages/widget/scripts/size-breakdown.js'
import { BUNDLE_BUDGET_BYTES, gzipBytes } from '../../../packages/widget/scripts/size-budget.js'
import { repoRoot } from '../lib/child-process.js'
import type { Section } from '../lib/report.js'

/** The single-file widget that pages embed with a script tag. */
export const widgetBundle = join(repoRoot, 'packages', 'widget', 'dist', 'flow-chat.js')

/**
 * Builds the widget (when it has a build script) so the figures are of the current source; returns why not
 * when it cannot.
 */
export function buildWidget(): string | undefined {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'packages', 'widget', 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>
  }
  if (!pkg.scripts?.build) return 'packages/widget has no build script yet'
  const result = spawnSync('pnpm', ['--filter', '@flowchat/widget', 'build'], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 180_000,
  })
  if (result.status !== 0) return `the widget build failed: ${(result.stderr || result.stdout).slice(-500)}`
  if (!existsSync(widgetBundle)) return `the widget build wrote no ${widgetBundle}`
  return undefined
}

/**
 * Raw, gzip and brotli sizes of the built widget, gzip measured by the widget's own size rule (the one its build
 * and bundle test use), and where the gzip bytes go: lit-html, RxJS, core and the widget's own code
 * (`packages/widget/scripts/size-breakdown.ts` has the per-file table).
 *
 * @example
 * const section = await widgetSize()
 */
export async function widgetSize(): Promise<Section> {
  const code = readFileSync(widgetBundle)
  const kb = (n: number) => n / 1024
  const { shares } = await sizeBreakdown()
  const share = (prefix: string) =>
    kb(shares.filter((s) => s.group.startsWith(prefix)).reduce((sum, s) => sum + s.gzip, 0))
  return {
    id: 'size',
    title: 'Widget size (packages/widget/dist/flow-chat.js)',
    status: 'ok',
    figures: [
      { key: 'rawKB', label: 'minified', value: kb(code.length), unit: 'KB' },
      { key: 'gzipKB', label: 'gzip -9', value: kb(gzipBytes(code)), unit: 'KB' },
      {
        key: 'brotliKB',
        label: 'brotli -11',
        value: kb(brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length),
        unit: 'KB',
      },
      { key: 'litKB', label: 'of gzip: lit-html', value: share('lit'), unit: 'KB' },
      { key: 'rxjsKB', label: 'of gzip: RxJS', value: share('rxjs'), unit: 'KB' },
      { key: 'coreKB', label: 'of gzip: @flowchat/core', value: share('core/'), unit: 'KB' },
      { key: 'widgetKB', label: 'of gzip: the widget', value: share('widget/'), unit: 'KB' },
    ],
    config: {
      budget: `${(BUNDLE_BUDGET_BYTES / 1024).toFixed(1)} KB gzip`,
      kilobyte: '1,024 bytes',
      shares: 'gzip bytes saved without the group; they add up to less than the whole',
    },
  }
}
