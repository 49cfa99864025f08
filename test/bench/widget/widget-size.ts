import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
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
 * Raw, gzip (level 9, what a CDN serves) and brotli sizes of the built widget.
 *
 * @example
 * const section = widgetSize()
 */
export function widgetSize(): Section {
  const code = readFileSync(widgetBundle)
  const kb = (n: number) => n / 1024
  return {
    id: 'size',
    title: 'Widget size (packages/widget/dist/flow-chat.js)',
    status: 'ok',
    figures: [
      { key: 'rawKB', label: 'minified', value: kb(code.length), unit: 'KB' },
      { key: 'gzipKB', label: 'gzip -9', value: kb(gzipSync(code, { level: 9 }).length), unit: 'KB' },
      {
        key: 'brotliKB',
        label: 'brotli -11',
        value: kb(brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length),
        unit: 'KB',
      },
    ],
    config: { budget: '40 KB gzip', kilobyte: '1,024 bytes' },
  }
}
