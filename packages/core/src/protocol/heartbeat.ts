/**
 * The relay stream's own frames, besides events: a `hello` first, announcing the heartbeat interval, then a
 * `heartbeat` every interval. Both are named SSE events with `data`, so a browser's `EventSource` (which hides
 * comments) delivers them too, and neither carries an `id`, so they never move `Last-Event-ID`.
 */
export const StreamFrame = { hello: 'hello', heartbeat: 'heartbeat' } as const
export type StreamFrame = (typeof StreamFrame)[keyof typeof StreamFrame]

/** A client declares a stream stalled after this many heartbeats in a row did not come. */
export const MISSED_HEARTBEATS = 2

/** The `data` of the `hello` frame: the heartbeat interval this stream keeps. */
export interface StreamHello {
  heartbeatMs: number
  /** Fields a later relay may add are kept (the schema is loose). */
  [field: string]: unknown
}

/**
 * The `hello` frame a stream starts with, after its `retry:` hint.
 *
 * @example
 * helloFrame(15_000) // 'event: hello\ndata: {"heartbeatMs":15000}\n\n'
 */
export function helloFrame(heartbeatMs: number): string {
  return `event: ${StreamFrame.hello}\ndata: ${JSON.stringify({ heartbeatMs } satisfies StreamHello)}\n\n`
}

/** The heartbeat frame, the same bytes every time (the relay shares one frame between all its streams). */
// The frame's name spelled as a literal the minifier folds, so that a bundle without this constant drops it.
export const HEARTBEAT_FRAME = `event: ${'heartbeat' satisfies typeof StreamFrame.heartbeat}\ndata: {}\n\n`

/**
 * How long a client waits without any frame before it takes the stream for stalled: `MISSED_HEARTBEATS`
 * intervals plus half an interval of slack for timers and the network.
 *
 * @example
 * stallTimeoutMs(15_000) // 37_500
 */
export function stallTimeoutMs(heartbeatMs: number): number {
  return Math.ceil(heartbeatMs * (MISSED_HEARTBEATS + 0.5))
}
