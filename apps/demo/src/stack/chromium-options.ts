import { existsSync } from 'node:fs'

/** Flags that make Debian's Chromium start headless as root in a container (see ENVIRONMENT.md). */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
] as const

/**
 * Launch options for playwright-core's `chromium.launch` on the system Chromium (`CHROME_PATH`, else
 * `/usr/bin/chromium`); playwright never downloads a browser here. Throws a message saying what to install when
 * the executable is missing.
 *
 * @example
 * const browser = await chromium.launch(chromiumLaunchOptions())
 */
export function chromiumLaunchOptions(): { executablePath: string; args: string[] } {
  const executablePath = process.env.CHROME_PATH ?? '/usr/bin/chromium'
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}: install it (Debian: apt-get install chromium) or set CHROME_PATH.`,
    )
  }
  return { executablePath, args: [...CHROMIUM_ARGS] }
}
