// The ceilings the relay is compared with: a bare node:http server that reads a POST's body and answers 200, and
// holds a GET open as an SSE stream that only ever says `retry:`. Nothing else.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { failStart, serveParent } from '../lib/child-process.js'

const server = createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
    res.write('retry: 3000\n\n')
    return
  }
  req.resume()
  req.once('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end('{"status":"ok"}')
  })
})
server.keepAliveTimeout = 60_000
// Idle streams are the point of the RSS comparison: no request timeout may end them.
server.requestTimeout = 0
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo
  try {
    serveParent(
      {
        memory: () => {
          globalThis.gc?.()
          const { rss, heapUsed, heapTotal, external } = process.memoryUsage()
          return { rss, heapUsed, heapTotal, external }
        },
      },
      { url: `http://127.0.0.1:${port}/webhooks/bare` },
      () => {
        server.closeAllConnections()
        server.close()
      },
    )
  } catch (error) {
    failStart(error)
  }
})
