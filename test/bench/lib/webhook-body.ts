import { now } from './clock.js'

/**
 * A Flow.ai `message` webhook for `threadId` that carries its own send time: the traceId is
 * `bench.<sentAt ms with 3 decimals>.<seq>`, unique per POST so the relay's dedupe never drops one, and the
 * relay keeps the body as received, so a subscriber reads the send time back out of the SSE data.
 *
 * @example
 * const body = webhookBody('t1', 7)
 */
export function webhookBody(threadId: string, seq: number, sentAt = now()): string {
  return JSON.stringify({
    type: 'message',
    payload: {
      threadId,
      traceId: `bench.${sentAt.toFixed(3)}.${seq}`,
      messages: [{ fallback: 'hi', responses: [{ type: 'text', payload: { text: 'hi' } }] }],
    },
  })
}

const marker = /bench\.(\d+\.\d+)\.(\d+)/

/** The send time carried by a benchmark event's data (see `webhookBody`), or undefined for other events. */
export function sentAtOf(data: string): number | undefined {
  const m = marker.exec(data)
  return m ? Number(m[1]) : undefined
}
