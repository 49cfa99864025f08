/**
 * `@flowchat/widget`: `import '@flowchat/widget'` registers `<flow-chat>` where a custom element registry exists (a
 * browser; in Node, Lit's SSR DOM shim), so importing it without a DOM does not throw.
 *
 * @example
 * import '@flowchat/widget'
 * document.body.append(Object.assign(document.createElement('flow-chat'), { relay: 'https://relay.example.com' }))
 */
export { FlowChatElement } from './flow-chat.js'
export {
  FlowChatClosedEvent,
  FlowChatMessageReceivedEvent,
  FlowChatMessageSentEvent,
  FlowChatOpenedEvent,
} from './events.js'
export { LOCALES, stringsFor } from './strings.js'
export { openingState } from './business-hours.js'
export type { SentDetail } from './events.js'
export type { FlowChatStrings } from './strings.js'
export type { OpeningState } from './business-hours.js'
