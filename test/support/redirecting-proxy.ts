/**
 * A proxy in front of a relay that passes every request through, streams included, except the sends
 * (`POST …/messages`) while `redirecting`: those it answers with a redirect to the relay itself, as a misconfigured
 * proxy or load balancer would (with the CORS header, so that a browser shows the redirect at all).
 */
import { createServer, request as forward, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface RedirectingProxy {
  url: string
  /** Whether sends are answered with a redirect (default true). */
  redirecting: boolean
  /** `METHOD path status` of every send the proxy answered itself. */
  readonly redirected: string[]
  close(): Promise<void>
}

/**
 * Starts the proxy on a free port of 127.0.0.1.
 *
 * @example
 * const proxy = await startRedirectingProxy(stack.relayUrl, 301)
 * const chat = createFlowChat({ relayUrl: proxy.url })
 */
export async function startRedirectingProxy(relayUrl: string, status = 301): Promise<RedirectingProxy> {
  const redirected: string[] = []
  const server: Server = createServer((req, res) => {
    if (proxy.redirecting && req.method === 'POST' && /\/messages$/.test(req.url ?? '')) {
      redirected.push(`${req.method} ${req.url} ${status}`)
      req.resume()
      res.writeHead(status, { location: `${relayUrl}${req.url}`, 'access-control-allow-origin': '*' }).end()
      return
    }
    const upstream = forward(
      `${relayUrl}${req.url}`,
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    upstream.on('error', () => res.destroy())
    res.on('close', () => upstream.destroy())
    req.pipe(upstream)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const proxy: RedirectingProxy = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    redirecting: true,
    redirected,
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
  return proxy
}
