/**
 * `@flowchat/core/rest`: a typed client for every endpoint of the Flow.ai REST API v1 (both references).
 */
export { createFlowRestClient } from './rest-client.js'
export { DEFAULT_BASE_URL, DEFAULT_TIMEOUT_MS, MAX_TIMER_MS, isUsableApiKey } from './http.js'
export { MAX_UPLOAD_BYTES } from './multipart.js'
export { DEFAULT_RETRY, parseRetryAfter } from './retry.js'

export type {
  AuthStyle,
  CallOptions,
  FlowRestClient,
  FlowRestClientOptions,
  RetryOptions,
  UploadOptions,
  UploadSource,
} from './types.js'
