// A page that loads the reactive client bundled the way an application would (Vite, one ES module) and puts
// `createFlowChat` on `window`, served from its own origin: the browser tests of the client drive it.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { startStaticServer } from './static-server.js'

/** The served page; `close` stops the server and removes the bundle. */
export interface ClientPage {
  url: string
  close(): Promise<void>
}

/**
 * Bundles `@flowchat/core`'s client and serves a page that exposes `window.createFlowChat`.
 *
 * @example
 * const page = await serveClientPage()
 * await browserPage.goto(page.url)
 */
export async function serveClientPage(): Promise<ClientPage> {
  const dir = await mkdtemp(join(tmpdir(), 'flowchat-client-'))
  const entry = join(dir, 'entry.ts')
  const source = fileURLToPath(new URL('../../packages/core/src/client/index.ts', import.meta.url))
  await writeFile(entry, `export { createFlowChat } from ${JSON.stringify(source)}\n`)
  await build({
    configFile: false,
    logLevel: 'silent',
    root: dir,
    build: { outDir: join(dir, 'out'), lib: { entry, formats: ['es'], fileName: 'client' }, minify: false },
  })
  const site = await startStaticServer()
  site.set('/client.js', {
    contentType: 'text/javascript',
    body: await readFile(join(dir, 'out', 'client.mjs'), 'utf8'),
  })
  site.set('/', {
    contentType: 'text/html',
    body:
      '<!doctype html><title>client</title><script type="module">' +
      "import { createFlowChat } from '/client.js'; window.createFlowChat = createFlowChat</script>",
  })
  return {
    url: `${site.origin}/`,
    async close() {
      await site.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
