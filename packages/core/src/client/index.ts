/**
 * The reactive client of `@flowchat/core`: per-thread RxJS streams over a flowchat relay.
 */
export { createFlowChat } from './flow-chat.js'
export { createOperatorChat } from './operator-chat.js'
export { createMemoryStorage } from './memory-storage.js'
export { threadReducer } from './thread-reducer.js'
export { initialThreadState } from './thread-state.js'
export { backoffDelay } from '../retry/backoff.js'
export { isTransientFailure } from '../retry/transient.js'
export { ConnectionState, SendState, Sender } from './types.js'

export type { BackoffOptions } from '../retry/backoff.js'
export type { ThreadStateAction, ThreadState } from './thread-state.js'
export type {
  BotStatus as ThreadBotStatus,
  ChatMessage,
  Connection,
  EventSourceConstructor,
  FlowChat,
  FlowChatOptions,
  KeyValueStorage,
  OperatorApi,
  OperatorChat,
  OperatorChatOptions,
  Opening,
  SendInput,
  ThreadHandle,
  ThreadSummary,
} from './types.js'
