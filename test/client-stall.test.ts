// Stall detection against a real relay: a proxy between client and relay keeps the stream's socket open but stops
// passing what the relay sends (as a buffering proxy or a half-dead NAT does). The client hears no heartbeat,
// reconnects with its last event id through a fresh connection, and gets what it missed, once.
import { createServer, connect, type Server, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createFlowChat, createMemoryStorage, type FlowChat } from '@flowchat/core'
import { startStack, transcript, when, type Stack } from './client-stack.js'

/** A TCP proxy that can stop forwarding the relay's bytes on the connections that carry an event stream. */
async function startFreezingProxy(target: string) {
  const { hostname, port } = new URL(target)
  const streams = new Set<{ client: Socket; frozen: boolean }>()
  const sockets = new Set<Socket>()
  let streamCount = 0
  const server: Server = createServer((client) => {
    const upstream = connect(Number(port), hostname)
    sockets.add(client).add(upstream)
    const link = { client, frozen: false }
    client.pipe(upstream)
    upstream.on('data', (chunk: Buffer) => {
      if (!streams.has(link) && chunk.toString('latin1').includes('text/event-stream')) {
        streams.add(link)
        streamCount++
      }
      // Frozen: the bytes are swallowed and the socket stays open, like a proxy that buffers forever.
      if (!link.frozen) client.write(chunk)
    })
    const close = () => {
      streams.delete(link)
      sockets.delete(client)
      sockets.delete(upstream)
      client.destroy()
      upstream.destroy()
    }
    client.on('close', close).on('error', close)
    upstream.on('close', close).on('error', close)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** Freezes every open stream connection; returns how many. */
    freezeStreams() {
      for (const link of streams) link.frozen = true
      return streams.size
    },
    get streamCount() {
      return streamCount
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const socket of sockets) socket.destroy()
      }),
  }
}

let stack: Stack
let proxy: Awaited<ReturnType<typeof startFreezingProxy>>
let chat: FlowChat | undefined
beforeEach(async () => {
  stack = await startStack({ relay: { heartbeatMs: 200 } })
  proxy = await startFreezingProxy(stack.relayUrl)
})
afterEach(async () => {
  chat?.close()
  await proxy.close()
  await stack.close()
})

describe('stall detection', () => {
  it('reconnects with Last-Event-ID after two missed heartbeats on a stream that went silent with its socket open', async () => {
    // Core's default stream reader (fetch, token in a header), as browsers and Node now use it.
    chat = createFlowChat({ relayUrl: proxy.url, storage: createMemoryStorage() })
    const { threadId } = await chat.session()
    const thread = chat.thread(threadId)
    const reasons: string[] = []
    thread.connection$.subscribe((c) => {
      if (c.state === 'reconnecting') reasons.push(c.reason ?? '')
    })
    await when(thread.connection$, (c) => c.state === 'open')
    thread.send({ type: 'text', text: 'one' })
    await when(thread.messages$, (ms) => ms.some((m) => m.sender === 'bot'))
    expect(proxy.streamCount).toBe(1)

    expect(proxy.freezeStreams()).toBe(1)
    // Sent while the stream is silent: the echo and the bot's answer reach the relay, not the client.
    thread.send({ type: 'text', text: 'two' })
    const messages = await when(thread.messages$, (ms) => ms.filter((m) => m.sender === 'bot').length === 2)
    expect(transcript(messages)).toEqual([
      'visitor:one',
      'bot:You said: one',
      'visitor:two',
      'bot:You said: two',
    ])
    expect(reasons.some((r) => /stalled/.test(r))).toBe(true)
    expect(proxy.streamCount).toBe(2)
  })
})
