import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request } from 'node:http'
import { startEmulator, type Emulator } from './index.js'
import { client, text } from './testing/client.js'
import { HANDOVER_EXAMPLE_AS_PRINTED } from './testing/reference-examples.js'

const originator = { name: 'Ann', role: 'external' }

/** A multipart body with a `query` field and a `file` of `size` bytes, streamed in chunks. */
async function upload(emulator: Emulator, size: number, query: unknown, authorization = emulator.apiKey) {
  const boundary = 'flowchat-test-boundary'
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="query"\r\n\r\n${JSON.stringify(query)}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="pic.png"\r\nContent-Type: image/png\r\n\r\n`,
  )
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  const chunk = Buffer.alloc(64 * 1024, 7)
  let sent = -1
  // Pulled chunk by chunk: the body is never whole in memory on either side.
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent < 0) controller.enqueue(head)
      else if (sent < size) controller.enqueue(chunk.subarray(0, Math.min(chunk.length, size - sent)))
      else {
        controller.enqueue(tail)
        controller.close()
        return
      }
      sent = sent < 0 ? 0 : sent + chunk.length
    },
  })
  const res = await fetch(`${emulator.restUrl}messages/up-1`, {
    method: 'POST',
    headers: { authorization, 'content-type': `multipart/form-data; boundary=${boundary}` },
    body,
    duplex: 'half',
  } as RequestInit)
  return { status: res.status, json: (await res.json()) as { status: string; message?: string } }
}

describe('validation and errors', () => {
  let emulator: Emulator
  let api: ReturnType<typeof client>
  beforeAll(async () => {
    emulator = await startEmulator({ bodyLimitBytes: 64 * 1024, uploadLimitBytes: 1024 * 1024 })
    api = client(emulator)
  })
  afterAll(() => emulator.close())

  it('answers 401 without a key, with a wrong key, and in a style the server does not accept', async () => {
    const bare = await fetch(`${emulator.restUrl}threads`)
    expect(bare.status).toBe(401)
    expect(await bare.json()).toEqual({
      status: 'error',
      message: 'Authorization: header is required (the API key)',
    })
    const wrong = await api.call('GET', 'threads', undefined, { authorization: 'not-the-key' })
    expect(wrong.status).toBe(401)
    expect(wrong.text).not.toContain(emulator.apiKey)
    const strict = await startEmulator({ auth: 'raw' })
    const bearer = await client(strict, 'bearer').get('threads')
    expect(bearer).toMatchObject({
      status: 401,
      json: { message: expect.stringContaining('without `Bearer`') },
    })
    expect((await client(strict, 'raw').get('threads')).status).toBe(200)
    await strict.close()
    const legacyOnly = await startEmulator({ auth: 'bearer' })
    expect((await client(legacyOnly, 'raw').get('threads')).status).toBe(401)
    expect((await client(legacyOnly, 'bearer').get('threads')).status).toBe(200)
    await legacyOnly.close()
  })

  it.each([
    [
      'text over 255 characters',
      { payload: { type: 'text', speech: 'x'.repeat(256), originator } },
      'payload.speech: must be at most 255 characters',
    ],
    [
      'an unknown message type',
      { payload: { type: 'sticker', originator } },
      'payload.type: must be one of text, event, location, media',
    ],
    ['a missing eventName', { payload: { type: 'event', originator } }, 'payload.eventName: is required'],
    ['a missing originator', { payload: { type: 'text', speech: 'hi' } }, 'payload.originator: is required'],
    [
      'a bad originator role',
      { payload: { type: 'text', speech: 'hi', originator: { name: 'x', role: 'bot' } } },
      'payload.originator.role: must be one of "external", "moderator"',
    ],
    [
      'a text without speech',
      { payload: { type: 'text', originator } },
      'payload.speech: a text message needs',
    ],
    [
      'media without url',
      { payload: { type: 'media', mediaType: 'image', originator } },
      'payload.url: is required',
    ],
    [
      'a bad media type',
      { payload: { type: 'media', mediaType: 'gif', url: 'https://x', originator } },
      'payload.mediaType: must be one of "image"',
    ],
    ['no payload', {}, 'payload: must be an object'],
  ])('answers 400 naming the field for %s', async (_, body, message) => {
    const res = await api.call('POST', 'messages/t1', body)
    expect(res.status).toBe(400)
    expect(res.json.status).toBe('error')
    expect(res.json.message).toContain(message)
  })

  it('accepts `text` instead of `speech` (the argument table) and exactly 255 characters', async () => {
    expect((await api.send('t1', { type: 'text', text: 'hello' })).status).toBe(200)
    expect((await api.send('t1', text('x'.repeat(255)))).status).toBe(200)
  })

  it('answers 400 for invalid JSON, including the handover example as printed', async () => {
    const res = await api.call('POST', 'messages/t1', '{"payload": ')
    expect(res).toMatchObject({
      status: 400,
      json: { status: 'error', message: expect.stringMatching(/^body: invalid JSON/) },
    })
    const handover = await api.call('POST', 'handover/t1', HANDOVER_EXAMPLE_AS_PRINTED)
    expect(handover.json.message).toMatch(/^body: invalid JSON/)
    const negative = await api.post('handover/t1', { secondsToPause: -5 })
    expect(negative).toMatchObject({ status: 400, json: { message: 'secondsToPause: must be positive' } })
  })

  it('answers 400 for a missing eventName, a bad page and a thread id that is too long', async () => {
    expect((await api.post('trigger/event/t1', {})).json).toEqual({
      status: 'error',
      message: 'eventName: is required',
    })
    expect((await api.get('threads?sync=true&page=0')).json.message).toBe(
      'page: must be a whole number from 1 to 999999999',
    )
    // ≥ 1 but past what is read: the rule named the lower bound only.
    expect((await api.get('threads?sync=true&page=99999999999')).json.message).toBe(
      'page: must be a whole number from 1 to 999999999',
    )
    expect((await api.get(`messages/${'a'.repeat(300)}?sync=true`)).json.message).toMatch(
      /^threadId: must be at most/,
    )
  })

  it('answers a path with a broken percent-escape in the error shape of every other answer', async () => {
    // The router refused it first, with Fastify's own body ({"error","code","statusCode"}).
    const res = await api.get('messages/%E0%A4%A?sync=true')
    expect(res.status).toBe(400)
    expect(res.json).toEqual({ status: 'error', message: 'path: not valid percent-encoding' })
  })

  it('accepts an empty body with a JSON content type and a body without content type', async () => {
    expect((await api.call('POST', 'pause/t2', '', { 'content-type': 'application/json' })).status).toBe(200)
    const res = await fetch(`${emulator.restUrl}messages/t2`, {
      method: 'POST',
      headers: { authorization: emulator.apiKey },
      body: JSON.stringify({ payload: { type: 'text', speech: 'hi', originator } }),
    })
    expect(res.status).toBe(200)
  })

  it('answers 413 above the JSON body limit and 404 for an unknown endpoint', async () => {
    const big = await api.call('POST', 'messages/t1', {
      payload: { type: 'text', speech: 'hi', originator, params: { x: 'y'.repeat(70 * 1024) } },
    })
    expect(big).toMatchObject({
      status: 413,
      json: { status: 'error', message: 'body: must be at most 65536 bytes' },
    })
    expect(await api.get('nope')).toMatchObject({ status: 404, json: { status: 'error' } })
  })

  it('streams a multipart upload to disk, serves it, and answers 413 above the upload limit', async () => {
    const query = { payload: { type: 'media', mediaType: 'image', mimeType: 'image/png', originator } }
    const ok = await upload(emulator, 300 * 1024, query)
    expect(ok).toEqual({ status: 200, json: { status: 'ok' } })
    const entry = emulator.thread('up-1')?.history[0]
    const url = (entry?.messages[0]?.responses[0]?.payload as { url: string }).url
    expect(url).toMatch(/\/media\/upload\//)
    const served = await fetch(url)
    expect(served.headers.get('content-type')).toBe('image/png')
    expect((await served.arrayBuffer()).byteLength).toBe(300 * 1024)

    const tooBig = await upload(emulator, 2 * 1024 * 1024, query)
    expect(tooBig).toEqual({
      status: 413,
      json: { status: 'error', message: 'file: must be at most 1048576 bytes' },
    })
    const notMedia = await upload(emulator, 10, { payload: { type: 'text', speech: 'hi', originator } })
    expect(notMedia.json.message).toBe('query.payload.type: must be media for an upload')
    expect((await upload(emulator, 10, query, 'wrong')).status).toBe(401)
  })

  it('rejects a declared upload above 250 MB at once, without reading it', async () => {
    const big = await startEmulator()
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${big.restUrl}messages/t1`, {
        method: 'POST',
        headers: {
          authorization: big.apiKey,
          'content-type': 'multipart/form-data; boundary=x',
          'content-length': String(300 * 1000 * 1000),
        },
      })
      req.on('response', (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
        req.destroy()
      })
      req.on('error', reject)
      req.write('--x\r\n')
    })
    expect(status).toBe(413)
    await big.close()
  })
})
