import { afterEach, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator } from './index.js'
import { client } from './testing/client.js'

let emulator: Emulator | undefined
afterEach(async () => {
  await emulator?.close()
  emulator = undefined
})

/** Every `url`-like string anywhere in a value. */
function urlsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string' && /^[a-z]+:\/\//i.test(value)) out.push(value)
  else if (Array.isArray(value)) for (const v of value) urlsIn(v, out)
  else if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) urlsIn(v, out)
  return out
}

describe('sample media', () => {
  it('the video reply points at a WebM the emulator serves, a few KB, from this machine', async () => {
    emulator = await startEmulator({})
    const api = client(emulator)
    const say = async (speech: string) =>
      (
        await api.call('POST', 'messages/media1?sync=true', {
          payload: { type: 'text', speech, originator: { name: 'Ann', role: 'external' } },
        })
      ).json as { messages: { responses: { type: string; payload: { url?: string } }[] }[] }
    const origin = new URL(emulator.restUrl).origin
    const video = (await say('video')).messages[0]!.responses[0]!
    expect(video.type).toBe('video')
    expect(video.payload.url).toBe(`${origin}/media/sample/video.webm`)

    const res = await fetch(video.payload.url!)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('video/webm')
    const bytes = new Uint8Array(await res.arrayBuffer())
    // The EBML magic every WebM file starts with, and small enough to commit.
    expect([...bytes.slice(0, 4)]).toEqual([0x1a, 0x45, 0xdf, 0xa3])
    expect(bytes.length).toBeGreaterThan(1000)
    expect(bytes.length).toBeLessThan(16 * 1024)

    // Nothing any sample reply shows loads from the internet.
    const all = await say('ALL')
    const urls = urlsIn(all.messages).filter((u) => !u.startsWith('mailto:') && !u.startsWith('tel:'))
    const foreign = urls.filter(
      (u) => new URL(u).origin !== origin && /\.(webm|mp4|svg|png|jpe?g|wav|mp3|txt)$/.test(u),
    )
    expect(foreign).toEqual([])
  })
})
