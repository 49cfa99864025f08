import type { ServerResponse } from 'node:http'
import { describe, expect, it } from 'vitest'
import { createSseWriter, eventFrame, textFrame } from './sse-writer.js'
import type { EventEnvelope } from './storage/types.js'

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
    await turn()
    expect(writes).toHaveLength(1)
    expect(writes[0]!.startsWith('retry: 1\n\nid: 1-0\nevent: reply\ndata: {')).toBe(true)
    expect(writes[0]!.indexOf('id: 1-0')).toBeLessThan(writes[0]!.indexOf('id: 2-0'))
    writer.push(textFrame(': hb\n\n'))
    await turn()
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
    await turn()
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
})
