import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { build } from 'vite'
import { chromium, type Browser } from 'playwright-core'

const widget = join(import.meta.dirname, '..')

/** Builds `dist/flow-chat.js` with the real config into `outDir`. */
export async function buildBundle(outDir: string): Promise<string> {
  await build({ configFile: join(widget, 'vite.config.ts'), logLevel: 'warn', build: { outDir } })
  return join(outDir, 'flow-chat.js')
}

/**
 * A page script: a stand-in client made of tiny subjects (the bundle's RxJS is not reachable from outside, and
 * the widget only calls `subscribe`), made by `window.makeFake()`. It records what the widget sends (`sent`) and
 * how often it asked for a session, a thread, a reset and a close (`calls`).
 */
const fakeScript = `
function subject(value) {
  const observers = new Set()
  return {
    get value() { return value },
    next(v) { value = v; for (const o of observers) o.next(v) },
    subscribe(o) { observers.add(o); o.next(value); return { unsubscribe: () => observers.delete(o) } },
  }
}
const done = { subscribe(o) { o.next?.('sent'); return { unsubscribe() {} } } }
window.makeFake = (opening = { open: true }) => {
  const s = {
    messages$: subject([]), connection$: subject({ state: 'open' }), botStatus$: subject({ state: 'active' }),
    awaitingReply$: subject(false), queued$: subject(0), hasOlder$: subject(false),
  }
  const sent = []
  const calls = { sessions: 0, threads: 0, resets: 0, closes: 0 }
  const handle = { threadId: 't', events$: subject(null), ...s,
    send: (i) => { sent.push(i); return done }, retry: () => done, loadOlder: async () => {} }
  const chat = { session: async () => (calls.sessions++, { threadId: 't' }), thread: () => (calls.threads++, handle),
    opening: async () => ({ businessHours: [], ...opening }), close() { calls.closes++ }, reset() { calls.resets++ } }
  return { chat, sent, calls, ...s }
}
`

const SAMPLE_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360"><rect width="640" height="360" fill="#5b7fd6"/>' +
  '<circle cx="520" cy="90" r="50" fill="#ffd166"/><path d="M0 360 L200 170 L380 360 Z" fill="#2b59c3"/>' +
  '<path d="M220 360 L420 200 L640 360 Z" fill="#1d3f91"/></svg>'

/**
 * Serves `/flow-chat.js` (the given file), a sample `/image.svg` (also late, as `/late-image.svg`) and a page that
 * loads the bundle. `extraHtml` comes after `makeFake` is defined and before the bundle runs.
 */
export async function servePage(bundle: string, extraHtml = ''): Promise<{ url: string; server: Server }> {
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<style>body{margin:0;font-family:sans-serif;background:#f3f4f6;min-height:100vh}</style></head>
<body><script>${fakeScript}</script>${extraHtml}<script type="module" src="/flow-chat.js"></script></body></html>`
  const server = createServer((req, res) => {
    if (req.url === '/image.svg') {
      res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(SAMPLE_SVG)
    } else if (req.url === '/late-image.svg') {
      // Arrives after the message rendered, as a real image does: the transcript grows under the visitor.
      setTimeout(() => res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(SAMPLE_SVG), 300)
    } else if (req.url === '/flow-chat.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(bundle))
    } else {
      res.writeHead(200, { 'content-type': 'text/html' }).end(page)
    }
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server }
}

/** Debian's Chromium with the flags the web-test-runner config uses (downloading a browser is not possible). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  })
}
