/**
 * `@flowchat/emulator`: a Flow.ai REST API v1 compatible server with a scripted bot that calls webhooks the way
 * Flow.ai does (ordered per thread, retried with back-off, same bytes every attempt).
 */
export { startEmulator } from './emulator.js'
export { parseScript, loadScriptFile, ScriptError } from './bot/script.js'
export { createLineLogger, quietLogger } from './logger.js'

export type { Emulator } from './emulator.js'
export type { AuthMode, EmulatorOptions, FaultOptions, RetryOptions } from './options.js'
export type { BotScript } from './bot/script.js'
export type { EmulatorLogger, LogEntry, LogLevel } from './logger.js'
export type { ThreadSnapshot } from './thread-store.js'
