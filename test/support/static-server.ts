/**
 * A tiny static file server for browser tests: fixed paths to fixed bodies, 404 for anything else, on its own
 * port (so its origin differs from the servers the page talks to).
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One served file. */
export interface StaticFile {
  contentType: string
  body: string | Uint8Array
}

export interface StaticServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  origin: string
  /** Serves `body` at `path` (exact match, query string ignored) from now on. */
  set(path: string, file: StaticFile): void
  /** Stops the server and drops open connections. */
  close(): Promise<void>
}

/**
 * Starts the server on a free port of 127.0.0.1.
 *
 * @example
 * const site = await startStaticServer()
 * site.set('/', { contentType: 'text/html', body: '<!doctype html><p>hi</p>' })
 * await page.goto(`${site.origin}/`)
 * await site.close()
 */
export async function startStaticServer(): Promise<StaticServer> {
  const files = new Map<string, StaticFile>()
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    const file = req.method === 'GET' || req.method === 'HEAD' ? files.get(path) : undefined
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
      return
    }
    res
      .writeHead(200, { 'content-type': file.contentType, 'cache-control': 'no-store' })
      .end(req.method === 'HEAD' ? undefined : file.body)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    set: (path, file) => void files.set(path, file),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
