import { connect, type Socket } from 'node:net'

/** A raw TCP client of a relay: what it received so far, and whether the relay closed the connection. */
export interface RawClient {
  socket: Socket
  /** Every byte received, as text. */
  text(): string
  /** Resolves when the relay ends or destroys the connection. */
  closed: Promise<void>
  /** The status line's code of the first answer, once one came. */
  status(): number | undefined
  /** The body of the first answer parsed as JSON (after the blank line), once it came. */
  json(): unknown
}

/**
 * Opens a TCP connection to `url` and writes `bytes` exactly as given (fetch and `http.request` would fix or
 * refuse malformed requests): for bodies cut off, conflicting lengths and other requests only a raw socket sends.
 *
 * @example
 * const c = await rawClient(relay.url!, 'POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nab')
 * await c.closed
 */
export async function rawClient(url: string, bytes: string | Buffer = ''): Promise<RawClient> {
  const { hostname, port } = new URL(url)
  const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  let received = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => (received += chunk))
  const closed = new Promise<void>((resolve) => {
    socket.on('close', () => resolve())
    socket.on('end', () => resolve())
    // A reset after the answer is still a close, not a failure of the test.
    socket.on('error', () => resolve())
  })
  if (bytes.length > 0) socket.write(bytes)
  return {
    socket,
    text: () => received,
    closed,
    status() {
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(received)
      return match ? Number(match[1]) : undefined
    },
    json() {
      const at = received.indexOf('\r\n\r\n')
      return JSON.parse(received.slice(at + 4)) as unknown
    },
  }
}
