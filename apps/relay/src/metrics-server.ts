import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { bearerToken, secretEquals } from './auth.js'
import type { RelayMetrics } from './metrics.js'

export interface MetricsServer {
  /** `http://host:port`. */
  url: string
  close(): Promise<void>
}

/**
 * Serves `GET /metrics` on a port of its own (so the API port need not expose it), behind a bearer token when
 * one is given. Anything else is 404 in the relay's error shape.
 *
 * @example
 * const server = await serveMetricsOnPort(metrics, { host: '127.0.0.1', port: 9464, token })
 */
export async function serveMetricsOnPort(
  metrics: RelayMetrics,
  options: { host: string; port: number; token: string | undefined },
): Promise<MetricsServer> {
  const error = (code: string, message: string) => JSON.stringify({ error: { code, message } })
  const server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0]
    if (request.method !== 'GET' || path !== '/metrics') {
      response
        .writeHead(404, { 'content-type': 'application/json' })
        .end(error('not_found', 'Only GET /metrics.'))
      return
    }
    if (options.token !== undefined) {
      if (!secretEquals(bearerToken(request.headers.authorization), options.token)) {
        response
          .writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' })
          .end(error('unauthorized', 'Send the metrics token as `Authorization: Bearer <token>`.'))
        return
      }
    }
    metrics.render().then(
      (text) => response.writeHead(200, { 'content-type': metrics.contentType }).end(text),
      () => response.writeHead(500).end(),
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const host = options.host.includes(':') ? `[${options.host}]` : options.host
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
