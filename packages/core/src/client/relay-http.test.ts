import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { FlowError } from '../errors.js'
import { botStatusRoute, pauseRoute, threadsRoute } from '../protocol/operator-routes.js'
import { callRelay } from './relay-call.js'
import { createRelayHttp } from './relay-http.js'

type Handler = (request: IncomingMessage, response: ServerResponse) => void

describe('the relay caller', () => {
  let server: Server | undefined
  afterEach(async () => {
    server?.closeAllConnections()
    await new Promise((resolve) => server?.close(resolve))
    server = undefined
  })

  async function serve(handler: Handler) {
    server = createServer(handler)
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    const http = (timeoutMs?: number) =>
      createRelayHttp({
        relayUrl: `http://127.0.0.1:${port}`,
        fetch: (input, init) => fetch(input, init),
        token: () => 'tok',
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      })
    return { http }
  }

  const caught = async (p: Promise<unknown>) => {
    try {
      await p
    } catch (error) {
      return error as FlowError
    }
    throw new Error('expected a rejection')
  }

  it('calls a route of the table: method, encoded path, query, token, and a validated typed answer', async () => {
    const seen: string[] = []
    const { http } = await serve((request, response) => {
      seen.push(`${request.method} ${request.url} ${request.headers.authorization}`)
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(
        request.url?.startsWith('/v1/threads?')
          ? JSON.stringify({ threads: ['a'], page: 1, pages: 1 })
          : JSON.stringify({ threadId: 'a|b', isPaused: true }),
      )
    })
    const status = await callRelay(http(), botStatusRoute, { params: { threadId: 'a|b' } })
    expect(status.isPaused).toBe(true)
    await callRelay(http(), threadsRoute, { query: { page: 2 } })
    expect(seen).toEqual(['GET /v1/threads/a%7Cb/status Bearer tok', 'GET /v1/threads?page=2 Bearer tok'])
  })

  it('refuses an answer that is not as the table documents', async () => {
    const { http } = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"threadId":"a"}')
    })
    const error = await caught(callRelay(http(), botStatusRoute, { params: { threadId: 'a' } }))
    expect(error.code).toBe('invalid_response')
    expect(error.message).toContain('isPaused')
  })

  it('times out a stalled request instead of waiting for ever', async () => {
    const { http } = await serve(() => {
      // Never answers.
    })
    const error = await caught(callRelay(http(100), pauseRoute, { params: { threadId: 't' } }))
    expect(error).toBeInstanceOf(FlowError)
    expect(error.code).toBe('timeout')
  })

  it('times out an answer whose body stalls', async () => {
    const { http } = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' })
      response.write('{"threadId":')
    })
    const error = await caught(callRelay(http(100), botStatusRoute, { params: { threadId: 't' } }))
    expect(error.code).toBe('timeout')
  })

  it.each([301, 302, 303, 307, 308])(
    'does not follow a %i: the call fails naming the redirect, and only its own request was sent',
    async (status) => {
      // Followed, a 301 turned a send into a GET of the new place, without the token across origins: its 401 had
      // the send retried, pending for ever.
      const seen: string[] = []
      const { http } = await serve((request, response) => {
        seen.push(`${request.method} ${request.url}`)
        if (request.url?.startsWith('/moved/')) {
          response
            .writeHead(200, { 'content-type': 'application/json' })
            .end('{"threadId":"t","isPaused":false}')
          return
        }
        response.writeHead(status, { location: `/moved${request.url}` }).end()
      })
      const error = await caught(callRelay(http(), pauseRoute, { params: { threadId: 't' } }))
      expect(error).toMatchObject({
        name: 'FlowError',
        code: 'invalid_response',
        status,
        message: `The relay answered HTTP ${status} (a redirect: check relayUrl).`,
      })
      expect(seen).toEqual(['POST /v1/threads/t/pause'])
    },
  )

  it('reads Retry-After as seconds or as an HTTP date', async () => {
    const inAMinute = new Date(Date.now() + 60_000).toUTCString()
    let header = '7'
    const { http } = await serve((_request, response) => {
      response
        .writeHead(429, { 'content-type': 'application/json', 'retry-after': header })
        .end('{"error":{"code":"rate_limited","message":"slow down"}}')
    })
    const seconds = await caught(callRelay(http(), pauseRoute, { params: { threadId: 't' } }))
    expect(seconds.code).toBe('rate_limited')
    expect(seconds.retryAfterMs).toBe(7000)
    header = inAMinute
    const date = await caught(callRelay(http(), pauseRoute, { params: { threadId: 't' } }))
    expect(date.retryAfterMs).toBeGreaterThan(50_000)
    expect(date.retryAfterMs).toBeLessThanOrEqual(60_000)
  })
})
