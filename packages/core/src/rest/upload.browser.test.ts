/// <reference types="mocha" />
// In a browser a Blob/File upload goes out as a Blob body (streamed request bodies need HTTP/2 there):
// the multipart Blob only references the file, so nothing is copied into memory.
import { assert } from '@open-wc/testing'
import { createFlowRestClient } from './rest-client.js'

describe('uploadMedia in Chromium', () => {
  it('sends a File as a multipart Blob body with `query` then `file`', async () => {
    const calls: { url: string; init: RequestInit }[] = []
    const client = createFlowRestClient({
      apiKey: 'KEY',
      auth: 'bearer',
      baseUrl: 'https://flow.test/rest/v1/',
      fetch: (input, init) => {
        calls.push({ url: input instanceof Request ? input.url : input.toString(), init: init! })
        return Promise.resolve(new Response('{"status":"ok"}'))
      },
    })
    const file = new File(['PNGDATA'], 'cat.png', { type: 'image/png' })
    const sent: number[] = []
    await client.uploadMedia(
      'a|o_b',
      { type: 'media', mediaType: 'image', originator: { name: 'Ann', role: 'external' } },
      file,
      { onProgress: (n) => sent.push(n) },
    )

    assert.lengthOf(calls, 1)
    const { url, init } = calls[0]!
    assert.equal(url, 'https://flow.test/rest/v1/messages/a%7Co_b')
    assert.instanceOf(init.body, Blob)
    const headers = init.headers as Record<string, string>
    assert.equal(headers.Authorization, 'Bearer KEY')
    const boundary = /boundary=(.+)$/.exec(headers['Content-Type']!)![1]!
    const text = await init.body.text()
    assert.equal(
      text,
      `--${boundary}\r\nContent-Disposition: form-data; name="query"\r\n\r\n` +
        '{"payload":{"type":"media","mediaType":"image","originator":{"name":"Ann","role":"external"}}}\r\n' +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cat.png"\r\n` +
        'Content-Type: image/png\r\n\r\nPNGDATA\r\n' +
        `--${boundary}--\r\n`,
    )
    assert.deepEqual(sent, [7])
  })

  it('rejects a File over the limit before calling fetch', async () => {
    let called = false
    const client = createFlowRestClient({
      apiKey: 'KEY',
      auth: 'raw',
      maxUploadBytes: 4,
      fetch: () => {
        called = true
        return Promise.resolve(new Response('{"status":"ok"}'))
      },
    })
    const error = await client
      .uploadMedia(
        't',
        { type: 'media', mediaType: 'file', originator: { name: 'Ann', role: 'external' } },
        new File(['12345'], 'a.txt'),
      )
      .catch((e: unknown) => e)
    assert.equal((error as { code: string }).code, 'payload_too_large')
    assert.isFalse(called)
  })
})
