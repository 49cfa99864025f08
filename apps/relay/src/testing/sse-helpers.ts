import { request as httpRequest, type IncomingMessage } from 'node:http'
import { EventSource } from 'eventsource'
import { createMemoryStorage } from '../storage/memory-storage.js'
import type { EventStorage } from '../storage/types.js'

/** A memory storage that counts live subscriptions, to prove closed streams unsubscribe. */
export function countingStorage(inner: EventStorage = createMemoryStorage()) {
  let active = 0
  const storage: EventStorage = {
    ...inner,
    subscribe(stream, listener, onReset) {
      active++
      const off = inner.subscribe(stream, listener, onReset)
      let done = false
      return () => {
        if (done) return
        done = true
        active--
        off()
      }
    },
  }
  return { storage, active: () => active }
}

/** Waits until `check` holds, polling; fails naming `what` after `timeoutMs`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

export interface Received {
  id: string
  event: string
  data: Record<string, unknown>
}

/** An `eventsource` client with the token in the Authorization header, collecting what it receives. */
export function openEventSource(
  url: string,
  token: string,
  kinds: string[] = ['reply', 'sent', 'reset', 'unknown'],
) {
  const received: Received[] = []
  const errors: unknown[] = []
  const source = new EventSource(url, {
    fetch: (input, init) =>
      fetch(input, {
        ...init,
        headers: { ...(init?.headers as Record<string, string>), Authorization: `Bearer ${token}` },
      }),
  })
  for (const kind of kinds) {
    source.addEventListener(kind, (e: MessageEvent<string>) => {
      received.push({ id: e.lastEventId, event: kind, data: JSON.parse(e.data) as Record<string, unknown> })
    })
  }
  source.addEventListener('error', (e) => errors.push(e))
  const opened = new Promise<void>((resolve) =>
    source.addEventListener('open', () => resolve(), { once: true }),
  )
  return { source, received, errors, opened }
}

/** A raw SSE request: the response stream, to read bytes or not read at all. */
export function rawStream(url: string, headers: Record<string, string> = {}): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { accept: 'text/event-stream', ...headers } }, resolve)
    req.on('error', reject)
    req.end()
  })
}

/** Reads a response until `pattern` shows up in the text; resolves the text so far. */
export function readUntil(res: IncomingMessage, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = ''
    const timer = setTimeout(
      () => reject(new Error(`no ${String(pattern)} in ${JSON.stringify(text)}`)),
      timeoutMs,
    )
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8')
      if (pattern.test(text)) {
        clearTimeout(timer)
        res.off('data', onData)
        resolve(text)
      }
    }
    res.on('data', onData)
    res.on('end', () => {
      clearTimeout(timer)
      if (pattern.test(text)) resolve(text)
      else reject(new Error(`stream ended without ${String(pattern)}: ${JSON.stringify(text)}`))
    })
  })
}
