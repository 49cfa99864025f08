import { afterEach, describe, expect, it } from 'vitest'
import type { Relay } from '../relay.js'
import { createTestRelay } from '../testing/fake-flow.js'
import { rawClient } from '../testing/raw-socket.js'
import { rawStream, readUntil } from '../testing/sse-helpers.js'

const T = 'A|o_1'

describe('HEAD on an event stream', () => {
  let relay: Relay
  afterEach(async () => relay?.close())

  it('answers the headers and ends, holding none of the token’s stream slots', async () => {
    const made = await createTestRelay({ maxStreamsPerToken: 1 })
    relay = made.relay
    const url = await relay.listen()
    const token = await relay.issueToken({ threadId: T })
    const path = `/v1/threads/${encodeURIComponent(T)}/events`
    for (let i = 0; i < 3; i++) {
      const head = await rawClient(
        url,
        `HEAD ${path} HTTP/1.1\r\nHost: relay\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`,
      )
      // With `Connection: close`, an answer that ends closes the connection; a stream held open would not.
      await head.closed
      expect(head.status()).toBe(200)
      expect(head.text()).toMatch(/\r\ncontent-type: text\/event-stream/i)
      expect(head.text()).toMatch(/\r\n\r\n$/)
    }
    // The one slot is still free for a GET.
    const res = await rawStream(`${url}${path}`, { authorization: `Bearer ${token}` })
    expect(res.statusCode).toBe(200)
    await readUntil(res, /retry:/)
    res.destroy()
  })
})
