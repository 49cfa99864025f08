import { connect, type Socket } from 'node:net'

type Reply = string | number | null | Reply[] | Error

/** A minimal RESP2 connection: the benchmark only pings Redis and deletes its own keys, so no client library. */
export interface RedisCommands {
  call(...args: string[]): Promise<Reply>
  close(): void
}

/** Parses one reply at `pos`; undefined when the buffer does not hold all of it yet. */
function parse(buf: string, pos: number): { value: Reply; next: number } | undefined {
  const eol = buf.indexOf('\r\n', pos)
  if (eol === -1) return undefined
  const head = buf.slice(pos + 1, eol)
  switch (buf[pos]) {
    case '+':
      return { value: head, next: eol + 2 }
    case '-':
      return { value: new Error(head), next: eol + 2 }
    case ':':
      return { value: Number(head), next: eol + 2 }
    case '$': {
      const len = Number(head)
      if (len < 0) return { value: null, next: eol + 2 }
      // Keys and ids are ASCII, so string length equals byte length here.
      if (buf.length < eol + 2 + len + 2) return undefined
      return { value: buf.slice(eol + 2, eol + 2 + len), next: eol + 2 + len + 2 }
    }
    case '*': {
      const n = Number(head)
      const items: Reply[] = []
      let next = eol + 2
      for (let i = 0; i < n; i++) {
        const item = parse(buf, next)
        if (!item) return undefined
        items.push(item.value)
        next = item.next
      }
      return { value: n < 0 ? null : items, next }
    }
    default:
      throw new Error(`unexpected RESP byte ${buf[pos]}`)
  }
}

/**
 * Connects to `url` (`redis://host:port`), failing after `timeoutMs`.
 *
 * @example
 * const redis = await connectRedis('redis://127.0.0.1:6379')
 * await redis.call('PING')
 */
export function connectRedis(url: string, timeoutMs = 2_000): Promise<RedisCommands> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: hostname, port: Number(port || 6379) })
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(new Error(`Redis at ${url} did not answer in ${timeoutMs} ms`)),
    )
    socket.setEncoding('latin1')
    const waiting: ((r: Reply) => void)[] = []
    let buf = ''
    socket.on('data', (chunk: string) => {
      buf += chunk
      for (let r = parse(buf, 0); r; r = buf ? parse(buf, 0) : undefined) {
        buf = buf.slice(r.next)
        waiting.shift()?.(r.value)
      }
    })
    socket.once('error', reject)
    socket.once('connect', () => {
      resolve({
        call: (...args) =>
          new Promise<Reply>((done, fail) => {
            if (socket.destroyed) return fail(new Error('Redis connection closed'))
            waiting.push((r) => (r instanceof Error ? fail(r) : done(r)))
            socket.write(
              `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`,
            )
          }),
        close: () => socket.destroy(),
      })
    })
  })
}

/** Deletes every key under `prefix` (bounded: at most 1,000 SCAN rounds). */
export async function deleteKeys(redis: RedisCommands, prefix: string): Promise<number> {
  let deleted = 0
  let cursor = '0'
  for (let round = 0; round < 1_000; round++) {
    const [next, keys] = (await redis.call('SCAN', cursor, 'MATCH', `${prefix}*`, 'COUNT', '1000')) as [
      string,
      string[],
    ]
    if (keys.length > 0) deleted += (await redis.call('UNLINK', ...keys)) as number
    cursor = next
    if (cursor === '0') break
  }
  return deleted
}
