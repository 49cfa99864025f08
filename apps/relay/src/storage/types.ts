import type { EventEnvelope } from '@flowchat/core/protocol'

export type { EventEnvelope }

/** A stream: one thread's events, or every event for operators. */
export type StreamKey = { thread: string } | 'operators'

export interface AppendInput {
  /** Deduplication key: a retried webhook delivery has the same key and is stored once. */
  key: string
  /** Everything but the id, which the storage assigns. */
  envelope: Omit<EventEnvelope, 'id'>
  /**
   * About how many bytes the envelope takes as JSON, when the caller knows already (a webhook's raw body length):
   * spares the memory storage serialising the envelope to count it against `maxBytes`.
   */
  bytes?: number
}

export interface AppendResult {
  duplicate: boolean
  /** The id in the thread's stream (absent for project events) and in the operators' stream. */
  threadEventId?: string
  operatorEventId: string
}

export type ReadResult =
  | { reset: false; events: EventEnvelope[] }
  /** `afterId` is not in the retained log (trimmed, or the log was lost): the client must refetch history. */
  | { reset: true; reason: string }

/**
 * The relay's event log. Memory (one process) and Redis Streams (many instances) implement it, and one
 * contract suite tests both. Only the relay's entry point chooses a backend.
 */
export interface EventStorage {
  /**
   * Appends an event to its thread's stream (when `threadId` is set) and to the operators' stream, once per key.
   * Resolves only when stored; rejects when the storage cannot store (the webhook then answers 503).
   */
  append(input: AppendInput): Promise<AppendResult>
  /** Events after `afterId` (exclusive), oldest first, at most `limit`. `afterId` must be a retained id. */
  read(stream: StreamKey, afterId: string, limit: number): Promise<ReadResult>
  /** The newest id of a stream, or undefined when empty. */
  lastId(stream: StreamKey): Promise<string | undefined>
  /**
   * Calls `listener` with every event appended to the stream from now on, by any instance, in order.
   * Returns the function that stops it.
   *
   * When events the listener should have got are gone before it got them (Redis restarted empty, or trimmed past
   * them while the live tail was away), a backend calls `onReset` with the reason, as `read` would answer a reset,
   * and then hands the listener the stream's events from its new start: their ids may be below those it got.
   */
  subscribe(
    stream: StreamKey,
    listener: (event: EventEnvelope) => void,
    onReset?: (reason: string) => void,
  ): () => void
  /** True when the backend answers. */
  ready(): Promise<boolean>
  close(): Promise<void>
  /**
   * A thread's retained events whose id time (the `<ms>` of `<ms>-<seq>`) is from `fromMs` to `toMs`, both
   * inclusive, at most `limit`: the oldest of them, oldest first, or with `newestFirst` the newest, newest first
   * (so a read that stops at `limit` keeps the events nearest `toMs`). Unlike `read`, it needs no retained id to
   * start from: it is for looking up what a thread stored around a time (the sends behind a history page), not
   * for resuming a stream.
   */
  readThreadRange(
    threadId: string,
    fromMs: number,
    toMs: number,
    limit: number,
    newestFirst?: boolean,
  ): Promise<EventEnvelope[]>
  /**
   * Marks a send to a thread as under way (its request is at Flow.ai, its `sent` event not stored yet) until
   * `clearSendUnderWay` or, should the instance that marked it die first, for `ttlMs`. The history route's page 1
   * waits while a thread has sends under way, so its copy of a send pairs with the send's traceId: with a storage
   * shared by several relay instances, it waits for the sends of every instance.
   *
   * The three send methods are optional, all or none: a storage without them (one of your own) keeps each relay
   * instance waiting for its own sends only. Resolves once the mark is visible to `countSendsUnderWay` of every
   * instance.
   */
  markSendUnderWay?(threadId: string, sendId: string, ttlMs: number): Promise<void>
  /** Ends the mark of a send (stored, or failed); a send that is not marked (any more) is no error. */
  clearSendUnderWay?(threadId: string, sendId: string): Promise<void>
  /** How many sends to the thread are marked under way now: marked, not cleared, not expired. */
  countSendsUnderWay?(threadId: string): Promise<number>
}

/** Retention per stream: the newest `maxEvents`, none older than `maxAgeMs`. */
export interface RetentionOptions {
  maxEvents: number
  maxAgeMs: number
}
