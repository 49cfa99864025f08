import { describe, expect, it } from 'vitest'
import { FlowError } from '../errors.js'
import { uploadMessage } from './post-message.js'

/** An upload through a fake relay that answers `status` with `body`; the request it got is kept. */
function upload(status: number, body: string, headers: Record<string, string> = {}) {
  const seen: { url: string; authorization?: string }[] = []
  const fetch = ((url: string, init: RequestInit) => {
    seen.push({ url, authorization: (init.headers as Record<string, string>).authorization })
    return Promise.resolve(
      new Response(body, { status, headers: { 'content-type': 'application/json', ...headers } }),
    )
  }) as typeof globalThis.fetch
  const result = uploadMessage({
    url: 'http://relay.test/v1/threads/t1/messages',
    token: 'tok',
    query: { type: 'media', mediaType: 'image' },
    file: new Blob(['x'], { type: 'image/png' }),
    fetch,
    onProgress: () => undefined,
  })
  return { result, seen }
}

const failure = async (p: Promise<unknown>) =>
  p.then(
    () => expect.fail('expected a rejection'),
    (e: FlowError) => e,
  )

describe('uploadMessage reads the answer as every relay call does', () => {
  it('resolves with the accepted send, sending the token', async () => {
    const { result, seen } = upload(202, '{"traceId":"a","eventId":"5-0"}')
    await expect(result).resolves.toEqual({ traceId: 'a', eventId: '5-0' })
    expect(seen).toEqual([{ url: 'http://relay.test/v1/threads/t1/messages', authorization: 'Bearer tok' }])
  })

  it('refuses an answer that is not as documented, naming the request', async () => {
    const error = await failure(upload(202, '{"eventId":"5-0"}').result)
    expect(error).toBeInstanceOf(FlowError)
    expect(error.code).toBe('invalid_response')
    expect(error.message).toBe(
      "The relay's answer to POST http://relay.test/v1/threads/t1/messages is not as documented",
    )
  })

  it('refuses an answer that is not JSON', async () => {
    const error = await failure(upload(202, '<html>').result)
    expect(error.code).toBe('invalid_response')
    expect(error.message).toMatch(/not JSON/)
  })

  it("turns an error answer into the relay's error, with its Retry-After", async () => {
    const body = '{"error":{"code":"rate_limited","message":"Slow down."}}'
    const error = await failure(upload(429, body, { 'retry-after': '3' }).result)
    expect(error.code).toBe('rate_limited')
    expect(error.message).toBe('Slow down.')
    expect(error.retryAfterMs).toBe(3000)
  })
})
