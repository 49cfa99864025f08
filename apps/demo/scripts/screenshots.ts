// Writes docs/screenshots/demo-{visitor,support,console}-{light,dark}.png from the running demo stack, so the README shows
// what `pnpm start` really looks like. Run: pnpm --filter @flowchat/demo screenshots
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Page } from 'playwright-core'
import { chromiumLaunchOptions, startDemoStack } from '../src/stack/index.js'

const out = join(import.meta.dirname, '..', '..', '..', 'docs', 'screenshots')
const WAIT_MS = 20_000

async function say(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Type a message…' }).first()
  await box.fill(text)
  await box.press('Enter')
}

const shows = (page: Page, text: string) => page.getByText(text).first().waitFor({ state: 'visible' })

async function main(): Promise<void> {
  mkdirSync(out, { recursive: true })
  const stack = await startDemoStack({
    ports: { emulator: 0, relay: 0, demo: 0 },
    viteLogLevel: 'silent',
    watch: false,
  })
  const browser = await chromium.launch(chromiumLaunchOptions())
  try {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ colorScheme, viewport: { width: 1280, height: 800 } })
      // The console first, as at a help desk: conversations appear in it as they start.
      const operator = await context.newPage()
      operator.setDefaultTimeout(WAIT_MS)
      await operator.goto(stack.pages.console)
      await operator.getByText('Business hours').waitFor()

      const visitor = await context.newPage()
      visitor.setDefaultTimeout(WAIT_MS)
      await visitor.goto(stack.pages.product)
      await visitor.getByRole('button', { name: 'Open chat' }).click()
      await say(visitor, 'hello')
      await shows(visitor, 'I am the flowchat emulator bot')
      await say(visitor, 'card')
      await visitor.locator('flow-chat article.card').last().waitFor()
      await stack.emulator.idle()
      await visitor.screenshot({ path: join(out, `demo-visitor-${colorScheme}.png`) })

      // Another visitor (own browser context, so own session) on the help page.
      const supportContext = await browser.newContext({ colorScheme, viewport: { width: 1280, height: 800 } })
      const support = await supportContext.newPage()
      support.setDefaultTimeout(WAIT_MS)
      await support.goto(stack.pages.support)
      await say(support, 'human')
      await shows(support, 'Handing you over')

      await operator
        .locator('console-thread-list button.thread')
        .filter({ hasText: 'Handing you over' })
        .first()
        .click()
      await operator.getByRole('textbox', { name: 'Reply as agent' }).fill('Hi, Sam here. How can I help?')
      await operator.getByRole('button', { name: 'Send', exact: true }).click()
      await shows(support, 'Sam here')
      // Typing in the inline chat scrolled the page; show it from the top, as a visitor arrives.
      await support.evaluate(() => window.scrollTo(0, 0))
      await support.screenshot({ path: join(out, `demo-support-${colorScheme}.png`) })
      await operator.screenshot({ path: join(out, `demo-console-${colorScheme}.png`) })
      await supportContext.close()
      await context.close()
    }
    console.log(`Screenshots written to ${out}`)
  } finally {
    await browser.close()
    await stack.close()
  }
}

await main()
