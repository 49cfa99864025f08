import { FlowErrorCode } from '@flowchat/core'
import { httpError } from './http-error.js'
import type { OpenEventStream } from './event-stream.js'

export interface StreamRegistry {
  /** Reserves a slot for a new stream, or throws 429 past a cap. Returns the function that frees it. */
  reserve(tokenKey: string, ip: string): () => void
  track(stream: OpenEventStream): void
  /** Open streams now. */
  readonly size: number
  /** Ends every stream with a retry hint and waits until they are closed. */
  endAll(retryMs: number): Promise<void>
}

/**
 * Counts open SSE streams per token and per IP, and holds them for graceful shutdown.
 *
 * @example
 * const release = registry.reserve(principalKey(who), request.ip)
 */
export function createStreamRegistry(limits: { perToken: number; perIp: number }): StreamRegistry {
  const byToken = new Map<string, number>()
  const byIp = new Map<string, number>()
  const open = new Set<OpenEventStream>()

  const inc = (m: Map<string, number>, k: string, d: number) => {
    const n = (m.get(k) ?? 0) + d
    if (n <= 0) m.delete(k)
    else m.set(k, n)
  }

  return {
    reserve(tokenKey, ip) {
      if ((byToken.get(tokenKey) ?? 0) >= limits.perToken) {
        throw httpError(
          FlowErrorCode.rate_limited,
          `Too many open streams for this token (at most ${limits.perToken}); close one first.`,
          { retryAfterSeconds: 5 },
        )
      }
      if ((byIp.get(ip) ?? 0) >= limits.perIp) {
        throw httpError(
          FlowErrorCode.rate_limited,
          `Too many open streams from this address (at most ${limits.perIp}).`,
          { retryAfterSeconds: 5 },
        )
      }
      inc(byToken, tokenKey, 1)
      inc(byIp, ip, 1)
      let released = false
      return () => {
        if (released) return
        released = true
        inc(byToken, tokenKey, -1)
        inc(byIp, ip, -1)
      }
    },
    track(stream) {
      open.add(stream)
      void stream.closed.then(() => open.delete(stream))
    },
    get size() {
      return open.size
    },
    async endAll(retryMs) {
      const all = [...open]
      for (const s of all) s.end(retryMs)
      await Promise.all(all.map((s) => s.closed))
    },
  }
}
