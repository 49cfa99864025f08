// Issue 12's packaging test: the packages as a user gets them. Builds and packs every publishable package, installs
// the tarballs with plain npm into a fresh project outside the workspace (no `@flowchat/source`, no hoisted dev
// dependencies), and there runs the relay and the emulator from their tarballs with `npx`, the core README's Node
// script, a type check of a consumer, a Node import of the widget and the built widget file in Chromium.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { gzipSync } from 'node:zlib'
import { dirname, join } from 'node:path'
import { chromiumLaunchOptions } from '@flowchat/demo/stack'
import { chromium, type Browser } from 'playwright-core'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startStaticServer, type StaticServer } from '../support/static-server.js'
import { packWorkspace, run, type PackedPackage } from './pack-workspace.js'
import { brokenLinks } from './readme-links.js'

const root = join(import.meta.dirname, '..', '..')
const tsc7 = join(root, 'node_modules', 'typescript7', 'bin', 'tsc')
const tsc6 = join(root, 'node_modules', 'typescript', 'bin', 'tsc')

/** What a tarball must never hold: tests, test helpers, fixtures, TypeScript sources. */
const NOT_SHIPPED =
  /(\.test\.|\.browser\.test\.|\/testing\/|test-doubles|storage-contract|test-support|\/fixtures\/|\/test\/|^package\/src\/|\.tsbuildinfo$)/

let dir: string
let packed: PackedPackage[]
let site: StaticServer | undefined
let browser: Browser | undefined
const children: ChildProcess[] = []
let relayUrl: string
const timings: string[] = []

async function timed<T>(label: string, work: () => T | Promise<T>): Promise<T> {
  const start = performance.now()
  try {
    return await work()
  } finally {
    const line = `packaging: ${label} ${((performance.now() - start) / 1000).toFixed(1)} s`
    timings.push(line)
    console.log(line)
  }
}

/** A port nobody listens on right now (the CLIs take `--port`; their output format is theirs to change). */
function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

/** Starts `npx <bin> <args>` in the temp project, in its own process group (npx runs node in a child). */
function startBin(
  bin: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; output: () => string } {
  const child = spawn('npx', ['--no-install', bin, ...args], {
    cwd: dir,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  return { child, output: () => output }
}

/** Resolves once `url` answers with a status below 500; fails early when the process exits. */
async function answers(url: string, process: { child: ChildProcess; output: () => string }, what: string) {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (process.child.exitCode !== null)
      throw new Error(`${what} exited (${process.child.exitCode}):\n${process.output()}`)
    try {
      const response = await fetch(url)
      if (response.status < 500) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`${what} did not answer ${url} within 60 s:\n${process.output()}`)
}

/** Runs a Node script in the temp project and resolves its output when it exits by itself. */
function runNode(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flowchat-packaging-'))
  packed = await timed('pnpm build + pnpm pack', () => packWorkspace(join(dir, 'tarballs')))

  // A user's project: the four tarballs, and `eventsource` as the core README says for Node.
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'flowchat-user', private: true, type: 'module' }, null, 2),
  )
  await timed('npm install (tarballs)', () =>
    run(
      'npm',
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        ...packed.map((p) => p.tarball),
        'eventsource@^5',
      ],
      dir,
    ),
  )

  site = await startStaticServer()
  const [relayPort, emulatorPort] = [await sparePort(), await sparePort()]
  relayUrl = `http://127.0.0.1:${relayPort}`
  const emulatorUrl = `http://127.0.0.1:${emulatorPort}`
  const apiKey = randomBytes(16).toString('hex')
  const webhookSecret = randomBytes(24).toString('base64url')
  // Secrets go through the environment, as a container platform passes them; nothing is printed.
  const env = {
    ...process.env,
    FLOWCHAT_API_KEY: apiKey,
    FLOWCHAT_WEBHOOK_SECRET: webhookSecret,
    FLOWCHAT_TOKEN_SECRET: randomBytes(32).toString('hex'),
  }
  await timed('relay + emulator up (npx, from the tarballs)', async () => {
    const relay = startBin(
      'flowchat-relay',
      [
        ...['--port', String(relayPort), '--flow-base-url', `${emulatorUrl}/rest/v1/`],
        ...['--cors-origins', site!.origin, '--log-level', 'warn'],
      ],
      env,
    )
    await answers(`${relayUrl}/healthz`, relay, 'flowchat-relay')
    const emulator = startBin(
      'flowchat-emulator',
      [
        ...['--port', String(emulatorPort), '--api-key', apiKey, '--reply-delay-ms', '0'],
        ...['--webhook', `${relayUrl}/webhooks/${webhookSecret}`],
      ],
      env,
    )
    await answers(`${emulatorUrl}/`, emulator, 'flowchat-emulator')
  })
}, 600_000)

afterAll(async () => {
  const steps = [
    () => browser?.close(),
    () => site?.close(),
    () => {
      for (const child of children) {
        if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM')
      }
    },
    () => dir && rmSync(dir, { recursive: true, force: true }),
  ]
  for (const step of steps) {
    try {
      await step()
    } catch (error) {
      console.error('cleanup failed:', error)
    }
  }
  console.log(timings.join('\n'))
}, 60_000)

describe('the packed packages', () => {
  it('hold what a user runs and reads, and no tests, fixtures or test helpers', () => {
    for (const p of packed) {
      const shipped = p.entries.filter((e) => NOT_SHIPPED.test(e))
      expect(shipped, `${p.name}: entries that must not ship`).toEqual([])
      for (const file of [
        'package/package.json',
        'package/README.md',
        'package/LICENSE',
        'package/CHANGELOG.md',
      ]) {
        expect(p.entries, `${p.name}: ${file}`).toContain(file)
      }
      const manifest = p.manifest
      expect(manifest.repository?.directory, `${p.name}: repository.directory`).toBeTruthy()
      expect(manifest.engines?.node, `${p.name}: engines.node`).toBeTruthy()
      expect(manifest.license).toBe('MIT')
      expect(manifest.sideEffects, `${p.name}: sideEffects`).toBeDefined()
      expect(JSON.stringify(manifest), `${p.name}: workspace: ranges are rewritten`).not.toContain(
        'workspace:',
      )
    }
  })

  it('name only files that exist: every exports, types, bin and customElements path', () => {
    for (const p of packed) {
      const paths = [
        ...targets(p.manifest.exports),
        ...(p.manifest.types ? [p.manifest.types] : []),
        ...Object.values(p.manifest.bin ?? {}),
        ...(p.manifest.customElements ? [p.manifest.customElements] : []),
      ]
      expect(paths.length, p.name).toBeGreaterThan(0)
      for (const path of paths) {
        const entry = `package/${path.replace(/^\.\//, '')}`
        // A subpath pattern (`./dist/lib/locales/*.js`) must match at least one shipped file.
        if (entry.includes('*')) {
          const [before, after] = entry.split('*') as [string, string]
          expect(
            p.entries.some((e) => e.startsWith(before) && e.endsWith(after) && e.length > entry.length),
            `${p.name}: ${path}`,
          ).toBe(true)
        } else expect(p.entries, `${p.name}: ${path}`).toContain(entry)
      }
      // The Custom Elements Manifest points editors at modules: those must ship too.
      if (p.manifest.customElements) {
        const cem = JSON.parse(
          readFileSync(join(dir, 'node_modules', p.name, p.manifest.customElements), 'utf8'),
        ) as { modules: { path: string }[] }
        expect(cem.modules.length).toBeGreaterThan(0)
        for (const module of cem.modules)
          expect(p.entries, `${p.name}: ${module.path}`).toContain(`package/${module.path}`)
      }
    }
  })

  it('declare every package their built code and types import as a dependency, and no other', () => {
    for (const p of packed) {
      const declared = new Set([
        ...Object.keys(p.manifest.dependencies ?? {}),
        ...Object.keys(p.manifest.peerDependencies ?? {}),
      ])
      const imported = new Set<string>()
      // The script-tag bundle (widget) has everything inside and imports nothing; `.d.ts` imports count too,
      // since a consumer's type check needs them.
      for (const file of p.entries.filter((e) => /^package\/dist\/.*\.(js|d\.ts)$/.test(e))) {
        const code = readFileSync(join(dir, 'node_modules', p.name, file.slice('package/'.length)), 'utf8')
        for (const specifier of importsOf(code)) {
          if (specifier.startsWith('.') || specifier.startsWith('node:')) continue
          const parts = specifier.split('/')
          imported.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!)
        }
      }
      imported.delete(p.name)
      expect(
        [...imported].filter((name) => !declared.has(name)),
        `${p.name}: imported, not declared`,
      ).toEqual([])
      const unused = Object.keys(p.manifest.dependencies ?? {}).filter((name) => !imported.has(name))
      expect(unused, `${p.name}: dependencies nothing in dist/ imports`).toEqual([])
    }
  })

  it('link from their README and CHANGELOG only to what a reader on npm can open', () => {
    const problems: string[] = []
    for (const p of packed) {
      const inPackage = (path: string) => join(dir, 'node_modules', p.name, path)
      const shipped = (path: string) =>
        p.entries.some((e) => e === `package/${path}` || e.startsWith(`package/${path}/`))
      const repositoryUrl = (p.manifest.repository?.url ?? '').replace(/^git\+/, '').replace(/\.git$/, '')
      expect(repositoryUrl, `${p.name}: repository.url`).toMatch(/^https:\/\/github\.com\//)
      for (const path of p.entries.filter((e) => /^package\/[^/]+\.md$/.test(e)).map((e) => e.slice(8))) {
        const found = brokenLinks(readFileSync(inPackage(path), 'utf8'), {
          path,
          shipped,
          repositoryUrl,
          repositoryFile: (file) => readIfThere(join(root, file)),
          shippedMarkdown: (file) => (shipped(file) ? readIfThere(inPackage(file)) : undefined),
        })
        problems.push(...found.map((problem) => `${p.name}: ${problem}`))
      }
    }
    expect(problems).toEqual([])
  })

  it('ship source maps whose sources are inlined (no src/ needed)', () => {
    for (const p of packed) {
      for (const file of p.entries.filter((e) => e.endsWith('.js.map'))) {
        const map = JSON.parse(readFileSync(join(dir, 'node_modules', p.name, file.slice(8)), 'utf8')) as {
          sources: string[]
          sourcesContent?: (string | null)[]
        }
        expect(map.sourcesContent?.length, `${p.name}: ${file}`).toBe(map.sources.length)
        expect(map.sourcesContent?.every((s) => typeof s === 'string' && s.length > 0)).toBe(true)
      }
    }
  })
})

describe('installed with npm outside the workspace', () => {
  it("runs the core README's Node script against the relay and emulator from their tarballs: the bot replies", async () => {
    const readme = readFileSync(join(dir, 'node_modules', '@flowchat', 'core', 'README.md'), 'utf8')
    const script = /A complete Node script[\s\S]*?```(?:js|ts)\n([\s\S]*?)```/.exec(readme)?.[1]
    expect(script, 'the README has its complete Node script').toBeTruthy()
    writeFileSync(join(dir, 'chat.mjs'), script!)
    const { code, output } = await timed('core README script', () =>
      runNode(['chat.mjs'], { ...process.env, RELAY_URL: relayUrl }, 45_000),
    )
    expect(output).toMatch(/^bot: \S/m)
    // The send's states move forward from pending; `sent` may be skipped when the stream brings the echo before the
    // relay answered the send, and the script may close on the reply before the echo (see the README).
    const states = output.match(/^send: \w+$/gm) ?? []
    const order = ['send: pending', 'send: sent', 'send: delivered']
    expect(states[0], output).toBe('send: pending')
    expect(
      states.map((s) => order.indexOf(s)).every((at, i, all) => at >= 0 && (i === 0 || at > all[i - 1]!)),
      output,
    ).toBe(true)
    // The script ends by itself once the reply is there (chat.close()).
    expect(code, output).toBe(0)
  })

  it(
    'type-checks a consumer of core, core/rest, core/schemas and the widget with nodenext and bundler',
    { timeout: 240_000 },
    async () => {
      copyFileSync(join(import.meta.dirname, 'consumer', 'consumer.ts'), join(dir, 'consumer.ts'))
      // TypeScript 7 checks the published .d.ts files too (skipLibCheck off); TypeScript 6, the JavaScript compiler
      // most projects still run, reads them as a consumer would by default (about 25 s otherwise on this machine).
      const checks = [
        ['TypeScript 7', tsc7, 'nodenext', false],
        ['TypeScript 7', tsc7, 'bundler', false],
        ['TypeScript 6', tsc6, 'nodenext', true],
        ['TypeScript 6', tsc6, 'bundler', true],
      ] as const
      for (const [name, tsc, resolution, skipLibCheck] of checks) {
        const config = `tsconfig.${resolution}.${skipLibCheck ? 'skip' : 'full'}.json`
        writeFileSync(
          join(dir, config),
          JSON.stringify({
            compilerOptions: {
              target: 'es2022',
              lib: ['es2023', 'dom', 'dom.iterable'],
              module: resolution === 'nodenext' ? 'nodenext' : 'preserve',
              moduleResolution: resolution,
              strict: true,
              noEmit: true,
              skipLibCheck,
              types: [],
            },
            files: ['consumer.ts'],
          }),
        )
        await timed(`${name} ${resolution}`, () => run(process.execPath, [tsc, '-p', config], dir))
      }
    },
  )

  it('imports @flowchat/widget in Node without a DOM and registers nothing global but the element', async () => {
    const probe = `
      const widget = await import('@flowchat/widget')
      const de = await import('@flowchat/widget/locales/de.js')
      console.log(JSON.stringify({
        element: typeof widget.FlowChatElement,
        locale: de.default.send,
        events: [widget.FlowChatOpenedEvent.eventName, widget.FlowChatMessageReceivedEvent.eventName],
        htmlElement: typeof globalThis.HTMLElement,
        document: typeof globalThis.document,
      }))`
    const { code, output } = await runNode(['--input-type=module', '-e', probe], process.env, 30_000)
    expect(code, output).toBe(0)
    expect(JSON.parse(output.trim().split('\n').at(-1)!)).toEqual({
      element: 'function',
      locale: 'Senden',
      events: ['flow-chat-opened', 'flow-chat-message-received'],
      htmlElement: 'undefined',
      document: 'undefined',
    })
  })

  it('bundles for the browser with a bundler left at its defaults: the client and the element bring no zod', async () => {
    // The visitor's client reads the relay with light readers; its modules import no module that builds zod
    // schemas, so an app's bundler (Vite here, without the single file's tree-shaking settings) drops zod.
    const entries = {
      client: "import { createFlowChat } from '@flowchat/core'\nglobalThis.createFlowChat = createFlowChat\n",
      widget: "import '@flowchat/widget'\n",
    }
    for (const [name, code] of Object.entries(entries)) {
      const entry = join(dir, `bundle-${name}.js`)
      writeFileSync(entry, code)
      const result = await timed(`vite build (${name})`, () =>
        build({
          root: dir,
          configFile: false,
          logLevel: 'silent',
          build: { write: false, rolldownOptions: { input: entry } },
        }),
      )
      const chunks = (Array.isArray(result) ? result : [result]).flatMap((r) =>
        'output' in r ? r.output.filter((o) => o.type === 'chunk') : [],
      )
      const modules = chunks.flatMap((c) => Object.keys(c.modules))
      expect(
        modules.some((id) => id.includes('@flowchat/')),
        name,
      ).toBe(true)
      expect(
        modules.filter((id) => /[\\/]node_modules[\\/]zod[\\/]/.test(id)),
        name,
      ).toEqual([])
      const gzip = chunks.reduce((sum, c) => sum + gzipSync(c.code, { level: 9 }).length, 0)
      console.log(`packaging: ${name} bundled by Vite with its defaults: ${gzip} B gzip`)
    }
  })

  it('serves the built widget file from the tarball in Chromium and holds a conversation', async () => {
    const bundle = readFileSync(join(dir, 'node_modules', '@flowchat', 'widget', 'dist', 'flow-chat.js'))
    site!.set('/flow-chat.js', { contentType: 'text/javascript', body: bundle })
    site!.set('/', {
      contentType: 'text/html; charset=utf-8',
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>flowchat from npm</title>
<link rel="icon" href="data:,"><style>flow-chat{display:block;height:600px}</style></head>
<body><script type="module" src="/flow-chat.js"></script>
<flow-chat relay="${relayUrl}" mode="inline"></flow-chat></body></html>`,
    })
    browser = await timed('chromium launch', () => chromium.launch(chromiumLaunchOptions()))
    const page = await browser.newPage()
    page.setDefaultTimeout(30_000)
    const pageErrors: string[] = []
    page.on('pageerror', (e) => pageErrors.push(e.message))
    await timed('widget conversation in chromium', async () => {
      await page.goto(`${site!.origin}/`)
      const input = page.locator('flow-chat textarea[part="input"]')
      await input.fill('Hello')
      await input.press('Enter')
      await page.locator('flow-chat [part~="message-bot"]').first().waitFor({ state: 'visible' })
    })
    expect(await page.locator('flow-chat [part~="message-bot"]').first().innerText()).toMatch(/\S/)
    expect(pageErrors).toEqual([])
  })
})

describe('the relay as its systemd unit runs it (apps/relay/deploy/flowchat-relay.service)', () => {
  const unit = readFileSync(join(root, 'apps', 'relay', 'deploy', 'flowchat-relay.service'), 'utf8')
  const service = unitSettings(unit, 'Service')
  const installedAt = '/opt/flowchat-relay'
  const bin = () => join(dir, 'node_modules', '.bin', 'flowchat-relay')
  /** The unit's `Environment=` lines as one map, `%d` (the credentials directory) replaced by `credentials`. */
  const environment = (credentials: string) =>
    Object.fromEntries(
      (service.get('Environment') ?? [])
        .flatMap((line) => line.split(/\s+/))
        .map((pair) => pair.replaceAll('%d', credentials).split('=', 2) as [string, string]),
    )
  /** `LoadCredential=name:path` → name. */
  const credentials = () => (service.get('LoadCredential') ?? []).map((entry) => entry.split(':', 1)[0]!)

  it('runs the installed bin, sets only variables the relay reads, and passes every secret as a credential', () => {
    expect(service.get('ExecStart')).toEqual([`${installedAt}/node_modules/.bin/flowchat-relay`])
    const readme = readFileSync(join(dir, 'node_modules', '@flowchat', 'relay', 'README.md'), 'utf8')
    expect(readme, 'the README shows the unit verbatim').toContain(`\`\`\`ini\n${unit}\`\`\``)
    const help = run(bin(), ['--help'], dir)
    const env = environment('/creds')
    for (const variable of Object.keys(env))
      expect(help, `--help lists ${variable}`).toMatch(new RegExp(`\\b${variable}\\b`))
    for (const secret of ['API_KEY', 'WEBHOOK_SECRET', 'TOKEN_SECRET', 'REDIS_URL']) {
      expect(env[`FLOWCHAT_${secret}`], `FLOWCHAT_${secret} is never inline`).toBeUndefined()
      const file = env[`FLOWCHAT_${secret}_FILE`]
      expect(file, `FLOWCHAT_${secret}_FILE`).toMatch(/^\/creds\/\w+$/)
      expect(credentials()).toContain(file!.slice('/creds/'.length))
    }
  })

  const analyze = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find(
    (path) => spawnSync(path, ['--version'], { stdio: 'ignore' }).status === 0,
  )
  if (analyze) {
    it('is accepted by systemd-analyze verify, without a warning on any of its lines', () => {
      // verify checks that ExecStart exists: point it at the tarball installed here.
      const copy = join(dir, 'flowchat-relay.service')
      writeFileSync(copy, unit.replace(`${installedAt}/node_modules/.bin/flowchat-relay`, bin()))
      const result = spawnSync(analyze, ['verify', copy], { encoding: 'utf8' })
      const output = `${result.stdout}${result.stderr}`
      expect(result.status, output).toBe(0)
      expect(output).not.toMatch(/flowchat-relay\.service:\d+:/)
    })
  } else {
    it.runIf(process.env.CI === 'true')("systemd-analyze is installed (CI needs Debian's systemd)", () => {
      expect.fail('systemd-analyze not found: apt-get install systemd (.ci/run installs it)')
    })
    it.skipIf(process.env.CI === 'true')(
      'systemd-analyze verify (skipped: systemd-analyze is not installed here)',
      () => {},
    )
  }

  it('starts with its environment and credentials, answers /readyz on Redis, and stops with exit 0 on SIGTERM', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'flowchat-credentials-'))
    const secrets: Record<string, string> = {
      api_key: randomBytes(16).toString('hex'),
      webhook_secret: randomBytes(24).toString('base64url'),
      token_secret: randomBytes(32).toString('hex'),
      redis_url: process.env.FLOWCHAT_REDIS_URL ?? 'redis://127.0.0.1:6379',
    }
    expect(credentials().sort()).toEqual(Object.keys(secrets).sort())
    // As systemd writes them: one file per credential, read-only; files often end with a newline.
    for (const [name, value] of Object.entries(secrets))
      writeFileSync(join(folder, name), `${value}\n`, { mode: 0o400 })
    const port = await sparePort()
    // systemd's own environment is small: a PATH (where this Node is, as /usr/local/bin would be), the credentials
    // directory and the unit's variables. The port and the key prefix keep this run apart from others on the machine.
    const env = {
      PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
      CREDENTIALS_DIRECTORY: folder,
      ...environment(folder),
      FLOWCHAT_PORT: String(port),
      FLOWCHAT_REDIS_KEY_PREFIX: `packaging-systemd-${randomBytes(4).toString('hex')}`,
    }
    // Detached, as the other processes here: the clean-up signals each one's group.
    const child = spawn(bin(), [], { cwd: '/', env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    children.push(child)
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    try {
      await answers(`http://127.0.0.1:${port}/healthz`, { child, output: () => output }, "the unit's relay")
      const deadline = Date.now() + 30_000
      let ready = 0
      while (ready !== 200 && Date.now() < deadline) {
        ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
          (r) => r.status,
          () => 0,
        )
        if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 100))
      }
      expect(ready, output).toBe(200)
      // KillSignal, then systemd waits TimeoutStopSec before it kills.
      const stopWithin = Number(service.get('TimeoutStopSec')?.[0]) * 1000
      child.kill(service.get('KillSignal')?.[0] as NodeJS.Signals)
      let timer: ReturnType<typeof setTimeout> | undefined
      const code = await Promise.race([
        exited,
        new Promise((r) => (timer = setTimeout(r, stopWithin, 'still running'))),
      ])
      clearTimeout(timer)
      expect(code, output).toBe(0)
      expect(output).toContain('stopped')
      for (const line of output.trim().split('\n'))
        expect(() => JSON.parse(line) as unknown, line).not.toThrow()
      for (const [name, value] of Object.entries(secrets)) {
        if (name !== 'redis_url') expect(output, `the log holds no ${name}`).not.toContain(value)
      }
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
  })
})

/** A systemd unit's settings in one section: key → its values in order (comments and blank lines left out). */
function unitSettings(unit: string, section: string): Map<string, string[]> {
  const settings = new Map<string, string[]>()
  let current = ''
  for (const raw of unit.split('\n')) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue
    if (line.startsWith('[')) {
      current = line.slice(1, -1)
      continue
    }
    if (current !== section) continue
    const at = line.indexOf('=')
    const key = line.slice(0, at)
    settings.set(key, [...(settings.get(key) ?? []), line.slice(at + 1)])
  }
  return settings
}

/** A file's text, '' for a folder, undefined when there is neither. */
function readIfThere(path: string): string | undefined {
  try {
    return statSync(path).isDirectory() ? '' : readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}

/** Every file path in an `exports` map, any depth. */
function targets(exports: unknown): string[] {
  if (typeof exports === 'string') return [exports]
  if (exports && typeof exports === 'object') return Object.values(exports).flatMap(targets)
  return []
}

/** The module specifiers of static and dynamic imports and re-exports in built JavaScript. */
function importsOf(code: string): string[] {
  // Doc comments hold examples (`import '@flowchat/widget'`): not imports.
  const source = code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
  const found: string[] = []
  for (const m of source.matchAll(/(?:^|[;\s])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]/gm))
    found.push(m[1]!)
  for (const m of source.matchAll(/(?:^|[;\s])import\s*['"]([^'"]+)['"]/gm)) found.push(m[1]!)
  for (const m of source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]!)
  return found
}
