/**
 * `@flowchat/core`: the Flow.ai REST API v1 schemas, the typed REST client, `FlowError` and the relay protocol.
 * Each part also has its own entry (`@flowchat/core/schemas`, `/rest`, `/protocol`) that pulls nothing else.
 */
export * from './schemas/index.js'
export * from './rest/index.js'
export * from './protocol/index.js'
export { FlowError, FlowErrorCode, codeForStatus, toFlowError } from './errors.js'
export type { FlowErrorOptions } from './errors.js'
export * from './client/index.js'
