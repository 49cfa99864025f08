// The ceiling for webhook ingest: a bare node:http server that reads the body and answers 200, nothing else.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { failStart, serveParent } from '../lib/child-process.js'

const server = createServer((req, res) => {
  req.resume()
  req.once('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end('{"status":"ok"}')
  })
})
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo
  try {
    serveParent({}, { url: `http://127.0.0.1:${port}/webhooks/bare` }, () => {
      server.closeAllConnections()
      server.close()
    })
  } catch (error) {
    failStart(error)
  }
})
