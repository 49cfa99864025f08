// <flow-chat> in Chromium: render a 1,000-message transcript, append one message to 5,000 and to 50,000, heap used.
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { chromiumLaunchOptions } from '@flowchat/demo/stack'
import { chromium, type CDPSession, type Page } from 'playwright-core'
import { hottest } from '../lib/profile-summary.js'
import type { Figure, Section } from '../lib/report.js'
import { summarize } from '../lib/stats.js'
import { widgetBundle } from './widget-size.js'

const sizes = { render: 1_000, appendTo: 5_000, appendToLarge: 50_000, appends: 15, renderRuns: 5 } as const

/**
 * Frames are produced as soon as the page asks, not on a 60 Hz clock. With vsync, "time to the frame that shows it"
 * can't go below the wait for the next vsync (16.1–16.5 ms measured for an append that took 4 ms of work), so the
 * figure measured the display's clock, not the widget.
 */
const unthrottledFrames = ['--disable-frame-rate-limit', '--disable-gpu-vsync']

function serve(): Promise<Server> {
  const files: Record<string, { type: string; body: () => Buffer | string }> = {
    '/': {
      type: 'text/html',
      body: () =>
        '<!doctype html><html lang="en"><body style="margin:0">' +
        '<script type="module" src="/flow-chat.js"></script><script type="module" src="/bench.js"></script></body></html>',
    },
    '/flow-chat.js': {
      type: 'text/javascript',
      body: () => readFileSync(process.env.BENCH_WIDGET_BUNDLE ?? widgetBundle),
    },
    '/bench.js': {
      type: 'text/javascript',
      body: () => readFileSync(join(import.meta.dirname, 'render-page.js')),
    },
  }
  const server = createServer((req, res) => {
    const file = files[req.url ?? '']
    if (!file) return void res.writeHead(404).end()
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body())
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

async function heapUsedMB(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage')
  const { usedSize } = await cdp.send('Runtime.getHeapUsage')
  return usedSize / 2 ** 20
}

declare global {
  interface Window {
    /** Defined by render-page.js. */
    flowChatBench: {
      renderTranscript(n: number): Promise<number>
      appendTimes(n: number, appends: number): Promise<number[]>
      mount(): Promise<unknown>
    }
  }
}

const renderTranscript = (page: Page, n: number) =>
  page.evaluate((n) => window.flowChatBench.renderTranscript(n), n)
const appendTimes = (page: Page, n: number, k: number) =>
  page.evaluate(([n, k]) => window.flowChatBench.appendTimes(n, k), [n, k] as const)

/**
 * Renders in Chromium and measures; when an append misses one frame (16 ms), profiles the appends and lists
 * the hottest functions in the section's notes.
 *
 * @example
 * const section = await runRenderBenchmark({ profileDir })
 */
export async function runRenderBenchmark(options: { profileDir?: string } = {}): Promise<Section> {
  const server = await serve()
  const launch = chromiumLaunchOptions()
  const browser = await chromium.launch({ ...launch, args: [...launch.args, ...unthrottledFrames] })
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    const cdp = await page.context().newCDPSession(page)
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
    await page.waitForFunction(
      () => 'flowChatBench' in window && customElements.get('flow-chat') !== undefined,
    )

    const renders: number[] = []
    for (let i = 0; i < sizes.renderRuns; i++) {
      renders.push(await renderTranscript(page, sizes.render))
    }
    const heapEmpty = await (async () => {
      await page.evaluate(() => window.flowChatBench.mount())
      return heapUsedMB(cdp)
    })()
    const appends = summarize((await appendTimes(page, sizes.appendTo, sizes.appends)).slice(1))
    const heap5k = await heapUsedMB(cdp)
    const appendsLarge = summarize((await appendTimes(page, sizes.appendToLarge, sizes.appends)).slice(1))

    const notes: string[] = []
    if (appends.p50 > 16 || options.profileDir) {
      await cdp.send('Profiler.enable')
      await cdp.send('Profiler.start')
      await appendTimes(page, sizes.appendTo, 5)
      const { profile } = await cdp.send('Profiler.stop')
      const dir = options.profileDir ?? join(import.meta.dirname, '..', 'out', 'profiles')
      mkdirSync(dir, { recursive: true })
      writeFileSync(join(dir, 'widget-append.cpuprofile'), JSON.stringify(profile))
      const hot = hottest(profile as Parameters<typeof hottest>[0], 8)
      notes.push(
        `Chromium profile of 5 appends to 5,000 (mount included), hottest self time: ${hot
          .map((f) => `${f.name} ${f.selfMs.toFixed(0)} ms`)
          .join(', ')}.`,
      )
    }
    const figures: Figure[] = [
      {
        key: 'renderMs',
        label: `render ${sizes.render.toLocaleString('en-US')} messages (median)`,
        value: summarize(renders).p50,
        unit: 'ms',
      },
      { key: 'appendMs', label: 'append 1 message to 5,000 (median)', value: appends.p50, unit: 'ms' },
      { key: 'appendMaxMs', label: 'append 1 message to 5,000 (slowest)', value: appends.max, unit: 'ms' },
      {
        key: 'append50kMs',
        label: 'append 1 message to 50,000 (median)',
        value: appendsLarge.p50,
        unit: 'ms',
      },
      {
        key: 'append50kMaxMs',
        label: 'append 1 message to 50,000 (slowest)',
        value: appendsLarge.max,
        unit: 'ms',
      },
      { key: 'heapEmptyMB', label: 'JS heap, widget with no messages', value: heapEmpty, unit: 'MB' },
      { key: 'heap5kMB', label: 'JS heap, widget with 5,000 messages', value: heap5k, unit: 'MB' },
    ]
    return {
      id: 'render',
      title: 'Widget rendering in Chromium',
      status: 'ok',
      figures,
      config: {
        browser: browser.version(),
        viewport: '1280×800, widget 400×600 inline',
        renderRuns: sizes.renderRuns,
        appends: `${sizes.appends - 1} timed after one warm-up`,
        timing:
          'performance.now() to the next requestAnimationFrame + task, frames unthrottled (no vsync wait)',
      },
      notes,
    }
  } finally {
    await browser.close()
    server.close()
  }
}
