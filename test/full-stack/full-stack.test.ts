// The whole product in a real browser: the same stack `pnpm start` runs (emulator, relay, demo pages), with a
// visitor on the product page and an operator in the console, each in its own browser context.
import { startDemoStack, chromiumLaunchOptions, type DemoStack } from '@flowchat/demo/stack'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

/** Longest wait for one thing to appear; generous because CI machines are slow, never a condition of success. */
const WAIT_MS = 20_000

let stack: DemoStack
let browser: Browser
const contexts: BrowserContext[] = []

async function openPage(url: string): Promise<Page> {
  const context = await browser.newContext()
  contexts.push(context)
  const page = await context.newPage()
  page.setDefaultTimeout(WAIT_MS)
  // Surface page errors in the test output: a broken page otherwise only shows as a timeout.
  page.on('pageerror', (error) => console.error(`[${new URL(url).pathname}] ${error.message}`))
  await page.goto(url)
  return page
}

/** Types into the widget's composer and sends with Enter, as a visitor would. */
async function say(visitor: Page, text: string): Promise<void> {
  const box = visitor.getByRole('textbox', { name: 'Type a message…' })
  await box.fill(text)
  await box.press('Enter')
}

/** Waits until a text is shown (Playwright's locators look inside the widget's and the console's shadow roots). */
async function shows(page: Page, text: string): Promise<void> {
  await page.getByText(text, { exact: false }).first().waitFor({ state: 'visible' })
}

beforeAll(async () => {
  stack = await startDemoStack({
    ports: { emulator: 0, relay: 0, demo: 0 },
    replyDelayMs: 0,
    viteLogLevel: 'silent',
    watch: false,
  })
  browser = await chromium.launch(chromiumLaunchOptions())
}, 60_000)

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {})
  await browser?.close()
  await stack?.close()
})

describe('full stack: product page, relay, emulator and operator console', () => {
  test('a visitor is handed over, the agent answers while the bot is paused, the bot resumes, a reload keeps it all', async () => {
    // The operator's console is open, as at a help desk: new conversations appear in it live.
    const operator = await openPage(stack.pages.console)
    await operator.getByText('Business hours').waitFor()
    // New conversations reach the console live once its all-threads stream is open.
    await operator.getByRole('status', { name: 'Updates' }).filter({ hasText: 'Live' }).waitFor()

    const visitor = await openPage(stack.pages.product)
    await visitor.getByRole('button', { name: 'Open chat' }).click()
    await say(visitor, 'human')
    await shows(visitor, 'Handing you over to a human agent')

    const thread = operator
      .locator('console-thread-list button.thread')
      .filter({ hasText: 'Handing you over' })
    await thread.click()
    const threadId = await thread.getAttribute('data-thread-id')
    expect(threadId).toBeTruthy()
    await shows(operator, 'Handing you over to a human agent')

    await operator.getByRole('button', { name: 'Pause bot' }).click()
    await operator.getByRole('status', { name: 'Bot status' }).filter({ hasText: 'Bot paused' }).waitFor()

    const reply = operator.getByRole('textbox', { name: 'Reply as agent' })
    await reply.fill('Hi, Sam from Northfield here. How can I help?')
    await operator.getByRole('button', { name: 'Send', exact: true }).click()
    await shows(visitor, 'Sam from Northfield here')

    // While paused, the bot must stay quiet. Once the emulator is idle every reply it would give has been
    // delivered to the relay, and the relay streams a thread in order: so when the agent's next message reaches
    // the visitor, a bot reply to the question would already be on the page.
    await say(visitor, 'Is the lamp dimmable?')
    await shows(operator, 'Is the lamp dimmable?')
    await stack.emulator.idle()
    await reply.fill('Yes, fully dimmable with the touch ring.')
    await operator.getByRole('button', { name: 'Send', exact: true }).click()
    await shows(visitor, 'fully dimmable with the touch ring')
    expect(await visitor.getByText('You said: Is the lamp dimmable?').count()).toBe(0)
    const history = stack.emulator.thread(threadId ?? '')?.history ?? []
    expect(JSON.stringify(history)).not.toContain('You said: Is the lamp dimmable?')

    await operator.getByRole('button', { name: 'Resume bot' }).click()
    await operator.getByRole('status', { name: 'Bot status' }).filter({ hasText: 'Bot active' }).waitFor()
    await say(visitor, 'thanks')
    await shows(visitor, 'You said: thanks')
    await shows(operator, 'You said: thanks')

    await visitor.reload()
    // The window was open before the reload, so it is open again after it (no click on the launcher).
    await visitor.getByRole('button', { name: 'Close chat' }).waitFor()
    for (const text of [
      'Handing you over to a human agent',
      'Sam from Northfield here',
      'Is the lamp dimmable?',
      'fully dimmable with the touch ring',
      'You said: thanks',
    ]) {
      await shows(visitor, text)
    }

    // A console opened afterwards lists the thread from the relay and loads its transcript from history.
    await operator.reload()
    await operator.locator(`console-thread-list button.thread[data-thread-id="${threadId}"]`).click()
    await shows(operator, 'fully dimmable with the touch ring')
    await shows(operator, 'You said: thanks')
  }, 120_000)
})
