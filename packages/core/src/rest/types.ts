import type {
  BotStatus,
  BusinessHours,
  HistoryPage,
  MediaUploadInput,
  MessageInput,
  Reply,
  ThreadsPage,
} from '../schemas/index.js'

/** How the API key is sent: `raw` (`Authorization: <key>`, the current reference) or `bearer` (the older one). */
export type AuthStyle = 'raw' | 'bearer'

export interface RetryOptions {
  /** Attempts after the first one. Default 2. */
  retries?: number
  /** First back-off delay in ms, doubled each attempt, with full jitter. Default 250. */
  baseDelayMs?: number
  /**
   * Longest single delay in ms. Default 10 000. A `Retry-After` longer than this is not waited for: the call
   * fails at once with `rate_limited`/`unavailable` and the wait in `FlowError.retryAfterMs`.
   */
  maxDelayMs?: number
}

export interface FlowRestClientOptions {
  apiKey: string
  /** Default `https://api.flow.ai/rest/v1/`. */
  baseUrl?: string
  auth: AuthStyle
  fetch?: typeof fetch
  /**
   * Per request, including reading the body. Default 30 000 ms. An upload streamed from Node counts it from the
   * last chunk that went out, so only a stall times it out.
   */
  timeoutMs?: number
  /**
   * Per call, all attempts and back-off waits included: past it the call fails with `timeout`, and a back-off
   * wait that would end past it is not started (the call fails with the last error). Default: none (each attempt
   * has `timeoutMs`, so with the default retries a silent Flow.ai holds a call about 90 s). Not applied to
   * `uploadMedia`, whose time grows with the file: give it a per-call `deadlineMs`.
   */
  deadlineMs?: number
  retry?: RetryOptions | false
  /** Injected for tests: waits `ms` (default setTimeout). */
  sleep?: (ms: number) => Promise<void>
  /** Injected for tests: a number in [0, 1) (default Math.random). */
  random?: () => number
  /** Lowers the upload limit below the reference's 250 MB (it cannot be raised). */
  maxUploadBytes?: number
}

/** Per-call options. */
export interface CallOptions {
  signal?: AbortSignal
  /** This call's deadline, all attempts and back-off waits included; overrides the client's `deadlineMs`. */
  deadlineMs?: number
}

/** Per-call options of an upload. */
export interface UploadOptions extends CallOptions {
  /** Called as the file goes out, with the bytes of the file handed to the network so far. */
  onProgress?: (sentBytes: number) => void
}

/** A file to upload: a Blob/File in browsers, a Node readable stream (or web ReadableStream) with its size. */
export type UploadSource =
  | Blob
  | {
      stream: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>
      size?: number
      filename: string
      contentType?: string
    }

/** Every endpoint of both references. Async calls resolve on the `{status:"ok"}` ack; `sync` ones return data. */
export interface FlowRestClient {
  /** POST messages/:threadId: text, event, location or media by URL. */
  sendMessage(threadId: string, message: MessageInput, options?: CallOptions): Promise<void>
  /** POST messages/:threadId?sync=true: the bot's reply in the answer. */
  sendMessageSync(threadId: string, message: MessageInput, options?: CallOptions): Promise<Reply>
  /**
   * POST messages/:threadId as multipart/form-data (`file` + `query`), streamed, up to 250 MB (older reference).
   * Retried only when the message has a `traceId` and the file is a Blob (a stream cannot be read twice).
   */
  uploadMedia(
    threadId: string,
    message: MediaUploadInput,
    file: UploadSource,
    options?: UploadOptions,
  ): Promise<void>
  /** GET messages/:threadId (history arrives as a webhook). */
  requestHistory(threadId: string, page?: number, options?: CallOptions): Promise<void>
  /** GET messages/:threadId?sync=true&page=. */
  getHistory(threadId: string, page?: number, options?: CallOptions): Promise<HistoryPage>
  requestThreads(page?: number, options?: CallOptions): Promise<void>
  getThreads(page?: number, options?: CallOptions): Promise<ThreadsPage>
  /** @deprecated POST takeover/:threadId is deprecated by Flow.ai; use `handover`. */
  takeover(threadId: string, options?: CallOptions): Promise<void>
  /** POST handover/:thread with optional `secondsToPause`. */
  handover(threadId: string, secondsToPause?: number, options?: CallOptions): Promise<void>
  requestTriggerEvents(options?: CallOptions): Promise<void>
  getTriggerEvents(options?: CallOptions): Promise<string[]>
  /** POST trigger/event/:threadId?eventName=. */
  triggerEvent(threadId: string, eventName: string, options?: CallOptions): Promise<void>
  requestBusinessHours(options?: CallOptions): Promise<void>
  getBusinessHours(options?: CallOptions): Promise<BusinessHours[]>
  /** POST pause/:threadId. */
  pause(threadId: string, options?: CallOptions): Promise<void>
  /** DELETE pause/:threadId. */
  resume(threadId: string, options?: CallOptions): Promise<void>
  requestBotStatus(threadId: string, options?: CallOptions): Promise<void>
  getBotStatus(threadId: string, options?: CallOptions): Promise<BotStatus>
}
