/**
 * The whole product on one machine: the Flow.ai emulator, a relay in front of it (memory storage, the emulator's
 * webhook pointed at it) and the demo pages on a Vite dev server. `pnpm start` and the full-stack test both use
 * this, so what the test proves is what a newcomer runs.
 */
import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { startEmulator, type Emulator } from '@flowchat/emulator'
import { createRelay, type Relay } from '@flowchat/relay'
import { createServer, type ViteDevServer } from 'vite'
import { demoPagesPlugin, type DemoRuntime } from './demo-pages-plugin.js'
import { DEMO_PAGES, demoViteConfig } from './demo-vite-config.js'
import { toStackStartError } from './stack-start-error.js'
import { PORT_SETTINGS, type StackOptions, type StackService } from './stack-options.js'

export interface DemoStackOptions extends Partial<StackOptions> {
  /** Pause between the parts of a multi-part bot reply, ms. Default 300 (reads like typing); tests use 0. */
  replyDelayMs?: number
  /**
   * Reload the pages when a source file changes (Vite's watcher and HMR). Default true, for working on the pages;
   * tests and the screenshot script turn it off so an edit elsewhere in the repository cannot reload a page mid-run.
   */
  watch?: boolean
  /** Vite's own log lines. Default `warn`. */
  viteLogLevel?: 'info' | 'warn' | 'error' | 'silent'
}

export interface DemoStack {
  emulatorUrl: string
  relayUrl: string
  demoUrl: string
  /** Full URLs of the pages. */
  pages: { product: string; support: string; console: string }
  /**
   * The relay's operator password, generated for this run and held only in memory; `POST /v1/operator/sessions`
   * with `Authorization: Bearer <password>` gives an operator token (the console gets one injected instead).
   */
  operatorPassword: string
  emulator: Emulator
  relay: Relay
  /** Stops the three servers (pages, relay, emulator); safe to call twice. */
  close(): Promise<void>
}

/** Fresh on every start and never written anywhere: a demo must not teach people to commit secrets. */
const secret = (): string => randomBytes(32).toString('base64url')

/** The address a browser on this machine uses, for a server bound to `host`. */
const browserHost = (host: string): string =>
  host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host

/** Page origins allowed to call the relay: the demo server under both names a local browser may use. */
function demoOrigins(host: string, port: number): string[] {
  const names = new Set([browserHost(host), 'localhost', '127.0.0.1'])
  return [...names].map((name) => `http://${name}:${port}`)
}

/**
 * Starts emulator, pages and relay, in the order their addresses are needed, and wires them together. When one
 * cannot start, the ones already running are stopped and a `StackStartError` says what to change.
 *
 * @example
 * const stack = await startDemoStack({ ports: { emulator: 0, relay: 0, demo: 0 }, replyDelayMs: 0 })
 * console.log(stack.pages.product)
 * await stack.close()
 */
export async function startDemoStack(options: DemoStackOptions = {}): Promise<DemoStack> {
  const host = options.host ?? '127.0.0.1'
  const ports = {
    emulator: options.ports?.emulator ?? PORT_SETTINGS.emulator.defaultPort,
    relay: options.ports?.relay ?? PORT_SETTINGS.relay.defaultPort,
    demo: options.ports?.demo ?? PORT_SETTINGS.demo.defaultPort,
  }
  const started: (() => Promise<void>)[] = []
  const stopAll = async (): Promise<void> => {
    // Reverse order: pages first (no new requests), then the relay, then the emulator and its deliveries.
    for (const stop of started.splice(0).reverse()) {
      await stop().catch(() => {})
    }
  }
  const step = async <T>(service: StackService, run: () => Promise<T>): Promise<T> => {
    try {
      return await run()
    } catch (error) {
      await stopAll()
      throw toStackStartError(service, host, ports[service], error)
    }
  }

  const emulator = await step('emulator', () =>
    startEmulator({ host, port: ports.emulator, auth: 'raw', replyDelayMs: options.replyDelayMs ?? 300 }),
  )
  started.push(() => emulator.close())

  // The pages ask for the relay's address on each request; until the relay is up they wait for it.
  let provideRuntime: (runtime: DemoRuntime) => void = () => {}
  const runtime = new Promise<DemoRuntime>((resolve) => (provideRuntime = resolve))
  const vite: ViteDevServer = await step('demo', async () => {
    const sigterm = new Set(process.listeners('SIGTERM'))
    const stdinEnd = new Set(process.stdin.listeners('end'))
    const server = await createServer({
      ...demoViteConfig(),
      configFile: false,
      logLevel: options.viteLogLevel ?? 'warn',
      plugins: [demoPagesPlugin(() => runtime)],
      server: {
        host,
        port: ports.demo,
        strictPort: true,
        ...(options.watch === false ? { hmr: false, watch: null } : {}),
      },
    })
    // Vite's dev server exits the process on SIGTERM (and when stdin ends) after closing only itself, so the relay
    // and the emulator would never close: whoever owns the stack decides when to close it.
    for (const listener of process.listeners('SIGTERM')) {
      if (!sigterm.has(listener)) process.off('SIGTERM', listener)
    }
    for (const listener of process.stdin.listeners('end')) {
      if (!stdinEnd.has(listener)) process.stdin.off('end', listener)
    }
    try {
      await server.listen()
    } catch (error) {
      await server.close()
      throw error
    }
    return server
  })
  started.push(() => vite.close())
  const demoPort = (vite.httpServer?.address() as AddressInfo).port
  const demoUrl = `http://${browserHost(host)}:${demoPort}`

  const operatorPassword = secret()
  const relay = await step('relay', async () => {
    const created = await createRelay({
      flowBaseUrl: emulator.restUrl,
      apiKey: emulator.apiKey,
      auth: 'raw',
      webhookSecret: secret(),
      tokenSecret: secret(),
      operatorPassword,
      anonymousSessions: true,
      corsOrigins: demoOrigins(host, demoPort),
      port: ports.relay,
      host,
    })
    try {
      await created.listen()
    } catch (error) {
      await created.close()
      throw error
    }
    return created
  })
  started.push(() => relay.close())
  const relayUrl = (relay.url ?? '').replace(/\/$/, '')
  const webhookUrl = relay.webhookUrl ?? ''
  await step('emulator', () => emulator.addWebhook(webhookUrl))

  provideRuntime({ relayUrl, operatorToken: async () => await relay.issueToken({ operator: 'demo' }) })

  let closing: Promise<void> | undefined
  return {
    emulatorUrl: emulator.url,
    relayUrl,
    demoUrl,
    pages: {
      product: `${demoUrl}/`,
      support: `${demoUrl}/${DEMO_PAGES.support}`,
      console: `${demoUrl}/${DEMO_PAGES.console}`,
    },
    operatorPassword,
    emulator,
    relay,
    close: () => (closing ??= stopAll()),
  }
}
