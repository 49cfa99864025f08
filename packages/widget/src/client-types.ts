import type { Observable } from 'rxjs'
import type { createFlowChat } from '@flowchat/core'

// Derived from the client's entry point rather than imported by name, so the widget depends on one export of
// `@flowchat/core` (`createFlowChat`) and not on how its type names are spelled (the schemas have a
// `BotStatus` of their own).
type ValueOf<T> = T extends Observable<infer V> ? V : never

/** The reactive client. */
export type FlowChat = ReturnType<typeof createFlowChat>
/** One thread's streams and actions. */
export type ThreadHandle = ReturnType<FlowChat['thread']>
/** One message of the conversation. */
export type ChatMessage = ValueOf<ThreadHandle['messages$']>[number]
/** The relay connection. */
export type Connection = ValueOf<ThreadHandle['connection$']>
/** Whether the bot answers, or is paused or handed over to a person. */
export type BotStatus = ValueOf<ThreadHandle['botStatus$']>
/** What `send` takes. */
export type SendInput = Parameters<ThreadHandle['send']>[0]
