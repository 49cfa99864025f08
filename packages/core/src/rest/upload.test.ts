import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { IncomingMessage } from 'node:http'
import { Readable } from 'node:stream'
import busboy from 'busboy'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { startFakeFlow, type FakeFlow, type RecordedRequest } from '../../test/fixtures/flow-server.js'
import { FlowError } from '../errors.js'
import type { MediaUploadInput } from '../schemas/index.js'
import { startIdleTimeout } from './http.js'
import { MAX_UPLOAD_BYTES } from './multipart.js'
import { createFlowRestClient } from './rest-client.js'
import type { FlowRestClientOptions } from './types.js'

const THREAD = 'a4ad8a025763451da6f15f2b50991651|o_21361542-a262-4aaa-8edb-0f8f88e07d89'
const ENCODED = encodeURIComponent(THREAD)
const KEY = 'MY_MESSAGING_API_KEY'
const MB = 1024 * 1024
const message: MediaUploadInput = {
  type: 'media',
  mediaType: 'image',
  mimeType: 'image/png',
  originator: { name: 'John Doe', role: 'external' },
}

/** What the server made of a multipart upload. */
interface Received {
  fields: Record<string, string>
  file?: { name: string; filename: string; mimeType: string; bytes: number; sha256: string }
  /** The largest lead the producer ever had over what the server had received. */
  maxLead: number
  /** How much the producer had made when it stopped, while the server had stopped reading (-1: it never did). */
  stalledAt?: number
  error?: string
}

/** A deterministic stream of `total` bytes in `chunk`-sized pieces, made only when asked for. */
function lazyBytes(total: number, chunk = 64 * 1024) {
  const state = { produced: 0, hash: createHash('sha256') }
  async function* generate() {
    for (let i = 0; state.produced < total; i++) {
      const n = Math.min(chunk, total - state.produced)
      const bytes = new Uint8Array(n).fill(i % 251)
      state.produced += n
      state.hash.update(bytes)
      yield bytes
      await Promise.resolve()
    }
  }
  return { iterable: generate(), state }
}

let flow: FakeFlow
beforeAll(async () => {
  flow = await startFakeFlow()
})
afterAll(() => flow.close())
beforeEach(() => {
  flow.requests.length = 0
  flow.consume = false
})

/** Queues a handler that parses the upload with busboy as it streams in. */
function receiveUpload(producer?: { produced: number }, pauseAt?: number): Promise<Received> {
  return new Promise((resolve) => {
    flow.queue((req: IncomingMessage, _res, _recorded: RecordedRequest) => {
      const received: Received = { fields: {}, maxLead: 0 }
      return new Promise((answer) => {
        const bb = busboy({ headers: req.headers })
        let got = 0
        bb.on('field', (name, value) => (received.fields[name] = value))
        bb.on('file', (name, stream, info) => {
          const hash = createHash('sha256')
          stream.on('data', (chunk: Buffer) => {
            got += chunk.length
            hash.update(chunk)
            if (producer) received.maxLead = Math.max(received.maxLead, producer.produced - got)
            if (producer && pauseAt !== undefined && got >= pauseAt && received.stalledAt === undefined) {
              // Stop reading: a client that respects back-pressure soon stops reading its file too. Wait until
              // the producer has not moved for three looks in a row, note where it stopped, then read on.
              stream.pause()
              received.stalledAt = -1
              let last = -1
              let still = 0
              const look = setInterval(() => {
                still = producer.produced === last ? still + 1 : 0
                last = producer.produced
                if (still < 3 && producer.produced < 20 * MB) return
                clearInterval(look)
                received.stalledAt = still >= 3 ? last : -1
                stream.resume()
              }, 50)
            }
          })
          stream.on('end', () => {
            received.file = {
              name,
              filename: info.filename ?? '',
              mimeType: info.mimeType,
              bytes: got,
              sha256: hash.digest('hex'),
            }
          })
        })
        bb.on('close', () => {
          resolve(received)
          answer({ body: { status: 'ok' } })
        })
        bb.on('error', (e: Error) => {
          received.error = e.message
          resolve(received)
          answer({ status: 400, body: { status: 'error', message: e.message } })
        })
        req.on('error', (e) => {
          received.error = e.message
          resolve(received)
        })
        req.on('aborted', () => {
          received.error = 'aborted'
          resolve(received)
        })
        req.pipe(bb)
      })
    })
  })
}

const client = (options: Partial<FlowRestClientOptions> = {}) =>
  createFlowRestClient({ apiKey: KEY, auth: 'bearer', baseUrl: flow.baseUrl, ...options })

describe('uploadMedia (older reference: multipart/form-data, `file` + `query`)', () => {
  it('streams a 20 MB file chunk by chunk, never far ahead of the network', async () => {
    const total = 20 * MB
    const { iterable, state } = lazyBytes(total)
    const received = receiveUpload(state, 2 * MB)
    const progress: number[] = []
    await client().uploadMedia(
      THREAD,
      { ...message, traceId: 'up-1' },
      { stream: iterable, filename: 'big.png', size: total },
      { onProgress: (n) => progress.push(n) },
    )
    const r = await received
    expect(r.error).toBeUndefined()
    expect(r.file).toEqual({
      name: 'file',
      filename: 'big.png',
      mimeType: 'image/png',
      bytes: total,
      sha256: state.hash.digest('hex'),
    })
    expect(JSON.parse(r.fields.query!)).toStrictEqual({
      payload: { ...message, traceId: 'up-1' },
    })
    // Lazily produced: while the server did not read, the client stopped reading the file (socket buffers
    // aside, it held nothing more), and it never ran more than a few MB ahead of the server.
    expect(r.stalledAt).toBeGreaterThan(0)
    expect(r.stalledAt).toBeLessThan(total / 2)
    expect(r.maxLead).toBeLessThan(12 * MB)
    expect(progress.at(-1)).toBe(total)
    expect(progress).toEqual([...progress].sort((a, b) => a - b))

    const [req] = flow.requests
    expect(req!.method).toBe('POST')
    expect(req!.path).toBe(`/rest/v1/messages/${ENCODED}`)
    expect(req!.query).toBe('')
    expect(req!.headers.authorization).toBe(`Bearer ${KEY}`)
    expect(req!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=----flowchat[0-9a-f]{24}$/)
  })

  it('uploads a Blob/File with the raw auth style; the query part is the JSON body of a media message', async () => {
    const received = receiveUpload()
    const file = new File([new Uint8Array(100_000).fill(7)], 'photo "1".jpg', { type: 'image/jpeg' })
    await client({ auth: 'raw' }).uploadMedia(THREAD, { ...message, title: 'Example title' }, file)
    const r = await received
    expect(r.file).toMatchObject({ filename: 'photo %221%22.jpg', mimeType: 'image/jpeg', bytes: 100_000 })
    expect(JSON.parse(r.fields.query!)).toStrictEqual({ payload: { ...message, title: 'Example title' } })
    expect(flow.requests[0]!.headers.authorization).toBe(KEY)
  })

  it("sends a `mimetype` message (the media examples' spelling) as `mimeType`, and types the file with it", async () => {
    const received = receiveUpload()
    const { mimeType, ...rest } = message
    const spelled = { ...rest, mimetype: mimeType } as unknown as MediaUploadInput
    await client().uploadMedia(THREAD, spelled, {
      stream: Readable.from([Buffer.from('png')]),
      filename: 'a',
    })
    const r = await received
    expect(JSON.parse(r.fields.query!)).toStrictEqual({ payload: message })
    expect(r.file?.mimeType).toBe('image/png')
  })

  it('reads a Node Readable and a web ReadableStream; content type falls back to the message mimeType', async () => {
    for (const stream of [
      Readable.from([Buffer.from('hello '), Buffer.from('world')]),
      new Blob(['hello world']).stream(),
    ]) {
      const received = receiveUpload()
      await client().uploadMedia(THREAD, message, { stream, filename: 'a.txt' })
      const r = await received
      expect(r.file).toMatchObject({ filename: 'a.txt', mimeType: 'image/png', bytes: 11 })
    }
  })

  it('rejects a known size over 250 MB before sending anything', async () => {
    const { iterable, state } = lazyBytes(1)
    const err = await client()
      .uploadMedia(THREAD, message, { stream: iterable, filename: 'huge.mov', size: MAX_UPLOAD_BYTES + 1 })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(FlowError)
    expect(err).toMatchObject({ code: 'payload_too_large', path: 'file' })
    expect((err as FlowError).message).toContain('250 MB')
    expect(flow.requests).toHaveLength(0)
    expect(state.produced).toBe(0)
  })

  it('a Blob over the limit is rejected before sending (limit lowered to 1 MB)', async () => {
    const err = await client({ maxUploadBytes: MB })
      .uploadMedia(THREAD, message, new Blob([new Uint8Array(MB + 1)]))
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'payload_too_large' })
    expect(flow.requests).toHaveLength(0)
  })

  it('counts the bytes of a stream of unknown size and aborts as soon as it passes the limit', async () => {
    const { iterable, state } = lazyBytes(64 * MB)
    const received = receiveUpload(state)
    const err = await client({ maxUploadBytes: 2 * MB })
      .uploadMedia(THREAD, message, { stream: iterable, filename: 'endless.bin' })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(FlowError)
    expect(err).toMatchObject({ code: 'payload_too_large', path: 'file' })
    // It stopped reading right past the limit (one chunk over), and the server never got a complete upload.
    expect(state.produced).toBeLessThanOrEqual(2 * MB + 64 * 1024)
    const r = await received
    expect(r.file?.bytes ?? 0).toBeLessThanOrEqual(2 * MB)
    expect(r.error ?? (r.file === undefined ? 'incomplete' : undefined)).toBeDefined()
  })

  it.each([
    [
      'a file path that does not exist (README example, wrong name)',
      () => createReadStream(join(tmpdir(), `flowchat-missing-${process.pid}.png`)),
      /file could not be read: ENOENT/,
    ],
    [
      'a stream that fails midway',
      () =>
        Readable.from(
          (function* () {
            yield new Uint8Array(1024)
            throw new Error('disk went away')
          })(),
        ),
      /file could not be read: disk went away/,
    ],
    ['a stream that is not one', () => 42 as unknown as Readable, /file could not be read/],
  ])('%s: invalid_input naming the file, not a network error', async (_name, stream, expected) => {
    flow.consume = true
    const err = await client({ sleep: () => Promise.resolve() })
      .uploadMedia(THREAD, { ...message, traceId: 't' }, { stream: stream(), filename: 'cat.png' })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(FlowError)
    expect(err).toMatchObject({
      code: 'invalid_input',
      path: 'file',
      message: expect.stringMatching(expected),
    })
    // Sent once (the stream cannot be read again), and only that request: it reaches the server after the failure.
    await vi.waitFor(() => expect(flow.requests).toHaveLength(1), { timeout: 10_000 })
  })

  it('a file stream that fails before anything reads it fails the call, never the process', async () => {
    // A network slower than the disk: the stream of a missing path errors before fetch asks for its bytes. With
    // nothing listening then, Node would throw that error out of the process.
    flow.consume = true
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const slowFetch = (async (input, init) => {
      await gate
      return fetch(input, init)
    }) satisfies typeof fetch
    const missing = () => createReadStream(join(tmpdir(), `flowchat-missing-${process.pid}-early.png`))
    // Not events.once: it listens for 'error' itself, which is what must not be needed.
    const closed = (stream: Readable) => new Promise((resolve) => stream.on('close', resolve))
    const early = missing()
    const call = client({ fetch: slowFetch })
      .uploadMedia(THREAD, message, { stream: early, filename: 'cat.png' })
      .catch((e: unknown) => e)
    await closed(early)
    release()
    expect(await call).toMatchObject({
      code: 'invalid_input',
      path: 'file',
      message: expect.stringMatching(/file could not be read: ENOENT/),
    })
    // Refused before it is read (a bad thread id): the stream fails later, unread, without ending the process either.
    const unread = missing()
    await expect(
      client().uploadMedia('', message, { stream: unread, filename: 'cat.png' }),
    ).rejects.toMatchObject({ code: 'invalid_input', path: 'threadId' })
    await closed(unread)
    // The first call's request reaches the server after its failure; only that one was sent.
    await vi.waitFor(() => expect(flow.requests).toHaveLength(1), { timeout: 10_000 })
  })

  it('cannot raise the limit above 250 MB', async () => {
    const err = await client({ maxUploadBytes: 10 * MAX_UPLOAD_BYTES })
      .uploadMedia(THREAD, message, {
        stream: lazyBytes(1).iterable,
        filename: 'x',
        size: MAX_UPLOAD_BYTES + 1,
      })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'payload_too_large' })
  })

  it('times out when the upload stops going out for timeoutMs, not because it takes longer in all', async () => {
    /** `chunks` of 64 KB, one every `everyMs`; then, with `stallMs`, nothing for that long before the last. */
    async function* paced(chunks: number, everyMs: number, stallMs = 0) {
      for (let i = 0; i < chunks; i++) {
        await new Promise((resolve) => setTimeout(resolve, i === chunks - 1 ? stallMs || everyMs : everyMs))
        yield new Uint8Array(64 * 1024)
      }
    }
    flow.consume = true
    const started = performance.now()
    // At least 1.2 s of sending, a chunk every 20 ms, under a timeout of 1 s: the gaps stay far below the timeout
    // even on a busy machine, the whole upload cannot.
    await client({ timeoutMs: 1_000 }).uploadMedia(THREAD, message, {
      stream: paced(60, 20),
      filename: 'slow.bin',
    })
    expect(performance.now() - started).toBeGreaterThan(1_000)
    expect(flow.requests).toHaveLength(1)
    expect(flow.requests[0]!.body.length).toBeGreaterThan(60 * 64 * 1024)
    // The same upload stalling 2.5 s before its last chunk: that is the timeout, with its own message.
    const err = await client({ timeoutMs: 1_000 })
      .uploadMedia(THREAD, message, { stream: paced(3, 20, 2_500), filename: 'stalled.bin' })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'timeout' })
    expect((err as Error).message).toMatch(/made no progress within 1000 ms/)
  })

  it('starts no timer once the attempt is over, though fetch may go on pulling the body', () => {
    // Flow.ai (or a proxy) can answer before reading the upload; each pull fetch makes afterwards reports
    // progress. A timer started then kept a Node process alive for timeoutMs after the call had failed.
    vi.useFakeTimers()
    try {
      const idle = startIdleTimeout(1_000)
      idle.restart()
      expect(vi.getTimerCount()).toBe(1)
      idle.stop()
      idle.restart()
      expect(vi.getTimerCount()).toBe(0)
      vi.advanceTimersByTime(5_000)
      expect(idle.signal.aborted).toBe(false)
    } finally {
      vi.useRealTimers()
    }
  })

  it('aborts mid-upload with the caller signal', async () => {
    const { iterable, state } = lazyBytes(64 * MB)
    const received = receiveUpload(state)
    const controller = new AbortController()
    const err = await client()
      .uploadMedia(
        THREAD,
        message,
        { stream: iterable, filename: 'x.bin' },
        {
          signal: controller.signal,
          onProgress: (n) => n > 3 * MB && controller.abort(),
        },
      )
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'aborted' })
    expect(state.produced).toBeLessThan(8 * MB)
    expect((await received).file?.bytes ?? 0).toBeLessThan(64 * MB)
  })

  it('does not retry a stream (it cannot be read twice), even with a traceId', async () => {
    flow.consume = true
    flow.queue({ status: 503 })
    const err = await client({ sleep: () => Promise.resolve() })
      .uploadMedia(THREAD, { ...message, traceId: 't' }, { stream: lazyBytes(10).iterable, filename: 'x' })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'unavailable' })
    expect(flow.requests).toHaveLength(1)
  })

  it('retries a Blob upload that carries a traceId', async () => {
    flow.consume = true
    flow.queue({ status: 503 })
    await client({ sleep: () => Promise.resolve() }).uploadMedia(
      THREAD,
      { ...message, traceId: 't' },
      new Blob(['abc'], { type: 'text/plain' }),
    )
    expect(flow.requests).toHaveLength(2)
    expect(flow.requests[1]!.body.toString('utf8')).toContain('\r\n\r\nabc\r\n')
  })

  it.each([
    ['a message that is not media', { ...message, type: 'text' }, new Blob(['x']), 'payload.type'],
    ['a file without filename', message, { stream: new Blob(['x']).stream(), filename: '' }, 'file.filename'],
    ['no file', message, undefined, 'file'],
    ['a stream of strings', message, { stream: Readable.from(['text']), filename: 'a' }, 'file.stream'],
  ])('rejects %s', async (_name, msg, file, path) => {
    flow.consume = true
    const err = await client()
      .uploadMedia(THREAD, msg as MediaUploadInput, file as Blob)
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'invalid_input', path })
  })
})
