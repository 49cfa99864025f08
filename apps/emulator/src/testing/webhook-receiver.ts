/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return -- test helper: JSON bodies are asserted loosely by shape, as in the *.test.ts files */
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request the receiver got. */
export interface Received {
  method: string
  path: string
  headers: IncomingHttpHeaders
  body: string
  /** The parsed JSON body (POSTs), else undefined. */
  json: any
}

/** How to answer a request: a status (default 200), or `hang` to never answer (a timeout for the sender). */
export type Answer = { status: number; location?: string } | 'hang'

/** A real HTTP webhook receiver on a free port, for tests. */
export interface Receiver {
  url: string
  /** Every request, in arrival order (GET probes included). */
  requests: Received[]
  /** POSTs only. */
  posts(): Received[]
  /** Resolves once `predicate` holds for the POSTs received; rejects after `timeoutMs` saying what it saw. */
  waitFor(predicate: (posts: Received[]) => boolean, timeoutMs?: number): Promise<Received[]>
  close(): Promise<void>
}

/**
 * Starts a receiver; `answer` decides each answer from the request and how many POSTs with the same event id came
 * before it (0 for the first attempt).
 *
 * @example
 * const receiver = await startReceiver((req, attempt) => (attempt < 2 ? { status: 500 } : { status: 200 }))
 */
export async function startReceiver(
  answer: (req: Received, attempt: number) => Answer = () => ({ status: 200 }),
): Promise<Receiver> {
  const requests: Received[] = []
  let notify: () => void = () => {}
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      let json: unknown
      try {
        json = body ? JSON.parse(body) : undefined
      } catch {
        json = undefined
      }
      const received: Received = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        json,
      }
      const id = (json as { id?: string } | undefined)?.id
      const attempt = requests.filter(
        (r) => r.method === 'POST' && id !== undefined && r.json?.id === id,
      ).length
      requests.push(received)
      notify()
      const a = req.method === 'POST' ? answer(received, attempt) : { status: 200 }
      if (a === 'hang') return
      if (a.location) res.setHeader('location', a.location)
      res.statusCode = a.status
      res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const posts = () => requests.filter((r) => r.method === 'POST')
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    posts,
    waitFor(predicate, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(posts())) return false
          clearTimeout(timer)
          notify = () => {}
          resolve(posts())
          return true
        }
        const timer = setTimeout(() => {
          notify = () => {}
          reject(
            new Error(
              `receiver: condition not met; got ${posts().length} POSTs: ${posts()
                .map((p) => p.json?.type)
                .join(', ')}`,
            ),
          )
        }, timeoutMs)
        notify = check
        check()
      })
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
