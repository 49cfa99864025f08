import { createServer, ServerResponse } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createSseWriter, eventFrame, flushDelay, textFrame, type SseWriter } from './sse-writer.js'
import type { EventEnvelope } from './storage/types.js'
import { until } from './testing/sse-helpers.js'

/** Enough of a ServerResponse for the writer: records writes, and holds `held` bytes as if the socket were full. */
function fakeResponse(held = 0) {
  const writes: string[] = []
  const chunks: Buffer[] = []
  let destroyed = false
  const res = {
    write(chunk: Buffer) {
      chunks.push(chunk)
      writes.push(chunk.toString('utf8'))
      return true
    },
    get writableLength() {
      return held
    },
    destroy() {
      destroyed = true
    },
  }
  return { res: res as unknown as ServerResponse, writes, chunks, destroyed: () => destroyed }
}

const turn = () => new Promise((resolve) => setImmediate(resolve))

const envelope = (id: string, text: string): EventEnvelope => ({
  id,
  threadId: 't',
  kind: 'reply',
  type: 'message',
  receivedAt: '2026-01-01T00:00:00.000Z',
  source: 'webhook',
  body: { type: 'message', payload: { threadId: 't', messages: [{ fallback: text }] } },
})

describe('SSE writer', () => {
  it('writes the frames of one turn as one write, in order, after the turn', async () => {
    const { res, writes } = fakeResponse()
    const writer = createSseWriter(res, { maxBufferedBytes: 1 << 20, onSlow: () => {} })
    writer.push(textFrame('retry: 1\n\n'))
    writer.push(eventFrame(envelope('1-0', 'a')))
    writer.push(eventFrame(envelope('2-0', 'b')))
    expect(writes).toEqual([])
    await until(() => writes.length === 1, 'the write')
    expect(writes[0]!.startsWith('retry: 1\n\nid: 1-0\nevent: reply\ndata: {')).toBe(true)
    expect(writes[0]!.indexOf('id: 1-0')).toBeLessThan(writes[0]!.indexOf('id: 2-0'))
    writer.push(textFrame(': hb\n\n'))
    await until(() => writes.length === 2, 'the second write')
    expect(writes).toEqual([writes[0], ': hb\n\n'])
  })

  it('serialises an event once: every reader of it gets the same frame and the same bytes', async () => {
    const a = fakeResponse()
    const b = fakeResponse()
    const event = envelope('3-0', 'é ü — 🙂')
    const frame = eventFrame(event)
    expect(eventFrame(event)).toBe(frame)
    const text = frame.chunk.toString('utf8')
    expect(frame.bytes).toBe(Buffer.byteLength(text))
    expect(JSON.parse(text.split('data: ')[1]!)).toEqual(event)
    for (const { res } of [a, b])
      createSseWriter(res, { maxBufferedBytes: 1 << 20, onSlow: () => {} }).push(frame)
    await until(() => a.writes.length + b.writes.length === 2, 'both writes')
    expect(a.writes).toEqual([text])
    expect(b.writes).toEqual([text])
    // Encoded once: both streams were handed the very same bytes, not two encodings of one string.
    expect(a.chunks[0]).toBe(frame.chunk)
    expect(b.chunks[0]).toBe(frame.chunk)
  })

  it('cuts off a reader when queued bytes and what Node holds pass the bound, writing nothing more', async () => {
    const { res, writes, destroyed } = fakeResponse(900)
    let slow = 0
    const writer = createSseWriter(res, { maxBufferedBytes: 1000, onSlow: () => slow++ })
    writer.push(textFrame('x'.repeat(50)))
    expect(slow).toBe(0)
    writer.push(textFrame('y'.repeat(60)))
    expect([slow, destroyed()]).toEqual([1, true])
    writer.push(textFrame('z'))
    await turn()
    expect(writes).toEqual([])
    expect(slow).toBe(1)
  })

  it('cuts off a reader whose write leaves Node holding more than the bound', () => {
    const fake = fakeResponse()
    let slow = 0
    const res = Object.assign(fake.res, {
      write: (chunk: Buffer) => {
        fake.writes.push(chunk.toString('utf8'))
        Object.defineProperty(res, 'writableLength', { value: 2000 })
        return false
      },
    })
    const writer = createSseWriter(res, { maxBufferedBytes: 1000, onSlow: () => slow++ })
    writer.push(textFrame('hello'))
    writer.flush()
    expect([fake.writes, slow, fake.destroyed()]).toEqual([['hello'], 1, true])
  })

  it('forgets the queue when discarded', async () => {
    const { res, writes } = fakeResponse()
    const writer = createSseWriter(res, { maxBufferedBytes: 1 << 20, onSlow: () => {} })
    writer.push(textFrame('a'))
    writer.discard()
    writer.push(textFrame('b'))
    await turn()
    expect(writes).toEqual([])
  })

  it("writes a new stream's first frames at the end of the turn even while a busy relay holds its flushes", async () => {
    // A reader whose writes cost 15 ms of CPU: after a flush that carried two frames per write, the next flush is
    // held (four times that, at most 50 ms, less the time since). `turn()` resolves right after the flush.
    const busy = fakeResponse()
    const write = busy.res.write.bind(busy.res)
    busy.res.write = ((chunk: Buffer) => {
      const from = process.cpuUsage()
      while (process.cpuUsage(from).user + process.cpuUsage(from).system < 15_000);
      return write(chunk)
    }) as ServerResponse['write']
    const loaded = createSseWriter(busy.res, { maxBufferedBytes: 1 << 20, onSlow: () => {} })
    loaded.push(textFrame('open'))
    await turn()
    loaded.push(textFrame('a'))
    loaded.push(textFrame('b'))
    await turn()
    expect(busy.writes).toEqual(['open', 'ab'])
    loaded.push(textFrame('c'))
    await turn()
    expect(busy.writes).toHaveLength(2) // held

    const opening = fakeResponse()
    createSseWriter(opening.res, { maxBufferedBytes: 1 << 20, onSlow: () => {} }).push(textFrame('hello'))
    await turn()
    expect(opening.writes).toEqual(['hello'])
    await until(() => busy.writes.length === 3, 'the held frame')
  })
})

/**
 * A node:http server that hands each request's response to the test, its SSE headers sent as the stream route
 * sends them (after `prepare`), with a count of the writes that went through `res.write`.
 */
async function sseServer(prepare: (res: ServerResponse) => void = () => {}) {
  const responses: ServerResponse[] = []
  const server = createServer((_req, res) => {
    prepare(res)
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    res.flushHeaders()
    responses.push(res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const responseWrites = vi.spyOn(ServerResponse.prototype, 'write')
  /** Sends `head` on a raw socket and collects every byte that comes back. */
  const request = async (head: string) => {
    const socket = connect(port, '127.0.0.1')
    const bytes: Buffer[] = []
    let ended = false
    socket.on('data', (b: Buffer) => bytes.push(b))
    socket.on('end', () => (ended = true))
    socket.write(`${head}\r\nHost: test\r\n\r\n`)
    const at = responses.length
    await until(() => responses.length > at, 'the request')
    const res = responses[at]!
    return {
      res,
      socket,
      raw: () => Buffer.concat(bytes),
      ended: () => ended,
      responseWrites: () => responseWrites.mock.contexts.filter((c) => c === res).length,
    }
  }
  return {
    request,
    close: () => {
      responseWrites.mockRestore()
      server.closeAllConnections()
      server.close()
    },
  }
}

/** The body of a raw HTTP/1.1 response as its chunks, strictly parsed; `done` when the last chunk came. */
function decodeChunked(raw: Buffer): { chunks: string[]; done: boolean } {
  let at = raw.indexOf('\r\n\r\n') + 4
  const chunks: string[] = []
  for (;;) {
    const eol = raw.indexOf('\r\n', at)
    if (eol < 0) return { chunks, done: false }
    const size = raw.toString('latin1', at, eol)
    if (!/^[0-9a-f]+$/.test(size)) throw new Error(`bad chunk size ${JSON.stringify(size)}`)
    const length = Number.parseInt(size, 16)
    const end = eol + 2 + length
    if (raw.length < end + 2) return { chunks, done: false }
    if (raw.toString('latin1', end, end + 2) !== '\r\n') throw new Error('chunk not followed by CRLF')
    if (length === 0) return { chunks, done: end + 2 === raw.length }
    chunks.push(raw.toString('utf8', eol + 2, end))
    at = end + 2
  }
}

describe('SSE writer on a real socket', () => {
  let close: (() => void) | undefined
  afterEach(() => close?.())
  const options = { maxBufferedBytes: 1 << 20, onSlow: () => {} }

  it('frames HTTP/1.1 chunks itself after the first write, shares a lone frame, and res.end() still ends', async () => {
    const server = await sseServer()
    close = server.close
    const [a, b] = [await server.request('GET / HTTP/1.1'), await server.request('GET / HTTP/1.1')]
    const writers = [a, b].map(({ res }) => createSseWriter(res, options))
    const writesTo = (socket: Socket | null) => vi.spyOn(socket!, 'write').mock.calls
    for (const w of writers) w.push(textFrame('retry: 5\n\n'))
    await until(() => decodeChunked(b.raw()).chunks.length === 1, 'the first chunk')
    const [seenA, seenB] = [writesTo(a.res.socket), writesTo(b.res.socket)]
    const first = eventFrame(envelope('1-0', 'é 🙂'))
    for (const w of writers) w.push(first)
    await until(() => decodeChunked(b.raw()).chunks.length === 2, 'the lone event')
    // A frame written alone is framed once: both sockets were handed the same chunk.
    expect(seenA).toHaveLength(1)
    expect(seenB[0]![0]).toBe(seenA[0]![0])
    const heartbeat = textFrame('event: heartbeat\ndata: {}\n\n')
    const second = eventFrame(envelope('2-0', 'b'))
    writers[0]!.push(heartbeat)
    writers[0]!.push(second)
    await until(() => decodeChunked(a.raw()).chunks.length === 3, 'the batch')
    a.res.end()
    await until(() => decodeChunked(a.raw()).done, 'the last chunk')
    expect(decodeChunked(a.raw()).chunks).toEqual([
      'retry: 5\n\n',
      first.chunk.toString('utf8'),
      heartbeat.chunk.toString('utf8') + second.chunk.toString('utf8'),
    ])
    // Only the first write went through the response (it carried the headers); the rest went to the socket.
    expect(a.responseWrites()).toBe(1)
    expect(a.raw().toString('latin1')).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*transfer-encoding: chunked\r\n/i)
  })

  it('leaves other responses to the response: HTTP/1.0, HEAD, a content encoding, a wrapped write', async () => {
    const plain = await sseServer()
    const encoded = await sseServer((res) => res.setHeader('content-encoding', 'identity'))
    let wrapped = 0
    const wrapping = await sseServer((res) => {
      // What a compressing middleware does: every byte must go through its write.
      const write = res.write.bind(res) as (chunk: Buffer) => boolean
      res.write = ((chunk: Buffer) => (wrapped++, write(chunk))) as ServerResponse['write']
    })
    close = () => [plain, encoded, wrapping].forEach((s) => s.close())
    const old = await plain.request('GET / HTTP/1.0')
    const head = await plain.request('HEAD / HTTP/1.1\r\nConnection: close')
    const coded = await encoded.request('GET / HTTP/1.1')
    const wrap = await wrapping.request('GET / HTTP/1.1')
    const frames = ['retry: 5\n\n', 'event: hello\ndata: {}\n\n', 'event: heartbeat\ndata: {}\n\n']
    for (const { res } of [old, head, coded, wrap]) {
      const writer = createSseWriter(res, options)
      for (const frame of frames) {
        writer.push(textFrame(frame))
        writer.flush()
      }
    }
    await until(() => old.raw().toString().endsWith(frames.join('')), 'the HTTP/1.0 body')
    expect(old.raw().toString()).not.toMatch(/transfer-encoding/i)
    for (const r of [coded, wrap]) {
      await until(() => decodeChunked(r.raw()).chunks.length === 3, 'the chunked body')
      expect(decodeChunked(r.raw()).chunks).toEqual(frames)
    }
    expect(wrapped).toBe(3)
    for (const r of [old, head, coded]) expect(r.responseWrites()).toBe(3)
    head.res.end()
    await until(() => head.ended(), 'the HEAD answer to end')
    expect(head.raw().toString().endsWith('\r\n\r\n')).toBe(true)
  })

  it('cuts off a reader that stops reading, counting what its socket holds', async () => {
    const server = await sseServer()
    close = server.close
    const r = await server.request('GET / HTTP/1.1')
    r.socket.pause() // reads nothing: the kernel buffers fill, then the socket's
    let slow = 0
    const writer: SseWriter = createSseWriter(r.res, { maxBufferedBytes: 256 * 1024, onSlow: () => slow++ })
    const big = textFrame(`data: ${'x'.repeat(64 * 1024)}\n\n`)
    for (let i = 0; i < 1000 && slow === 0; i++) {
      writer.push(big)
      writer.flush()
      if (writer.needsDrain) await Promise.race([writer.drained(), new Promise((go) => setTimeout(go, 5))])
    }
    expect(slow).toBe(1)
    expect(r.res.socket?.destroyed ?? true).toBe(true)
  })
})

describe('flushDelay', () => {
  it('holds a flush only after a long one whose writes carried several frames, four times as long, capped', () => {
    const after = (cpuMs: number, sinceMs: number, framesPerWrite = 2) =>
      flushDelay({ cpuMs, sinceMs, framesPerWrite })
    expect(after(0, 0)).toBe(0)
    expect(after(0.9, 0)).toBe(0)
    expect(after(5, 3)).toBe(17)
    expect(after(5, 3, 1)).toBe(0)
    expect(after(5, 3, 1.2)).toBe(0)
    expect(after(5, 19.5)).toBe(0)
    expect(after(5, 40)).toBe(0)
    expect(after(500, 0)).toBe(50)
  })
})
