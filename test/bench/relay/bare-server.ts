// The ceiling the relay is compared with: a bare node:http server, nothing else. A GET holds an SSE stream open
// on its path's channel; a POST to `/webhooks/bare/<channel>` reads the body, answers 200, and writes the body to
// that channel's streams as it came (one `write` per stream per event, no storage, no auth, no parsing: the naive
// webhook-to-SSE relay). A POST to any other path only answers 200.
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { failStart, serveParent } from '../lib/child-process.js'

const channels = new Map<string, Set<ServerResponse>>()
const POST_PREFIX = '/webhooks/bare/'
const THREAD_STREAM = /^\/v1\/threads\/([^/]+)\/events/

const server = createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
    res.write('retry: 3000\n\n')
    const channel = THREAD_STREAM.exec(req.url ?? '')?.[1]
    if (channel === undefined) return
    let subs = channels.get(channel)
    if (!subs) channels.set(channel, (subs = new Set()))
    subs.add(res)
    res.once('close', () => {
      subs.delete(res)
      if (subs.size === 0 && channels.get(channel) === subs) channels.delete(channel)
    })
    return
  }
  const chunks: Buffer[] = []
  req.on('data', (chunk: Buffer) => chunks.push(chunk))
  req.once('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end('{"status":"ok"}')
    const url = req.url ?? ''
    if (!url.startsWith(POST_PREFIX)) return
    const subs = channels.get(url.slice(POST_PREFIX.length))
    if (!subs) return
    const frame = `data: ${Buffer.concat(chunks).toString('utf8')}\n\n`
    for (const sub of subs) sub.write(frame)
  })
})
server.keepAliveTimeout = 60_000
// Idle streams are the point of the RSS comparison: no request timeout may end them.
server.requestTimeout = 0
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo
  try {
    serveParent(
      {},
      { url: `http://127.0.0.1:${port}/webhooks/bare`, baseUrl: `http://127.0.0.1:${port}` },
      () => {
        server.closeAllConnections()
        server.close()
      },
    )
  } catch (error) {
    failStart(error)
  }
})
