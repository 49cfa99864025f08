/**
 * `@flowchat/widget`: `import '@flowchat/widget'` registers `<flow-chat>` where a custom element registry exists (a
 * browser, or a DOM shim), so importing it without a DOM does not throw.
 *
 * @example
 * import '@flowchat/widget'
 * document.body.append(Object.assign(document.createElement('flow-chat'), { relay: 'https://relay.example.com' }))
 */
export { FlowChatElement } from './flow-chat.js'
export {
  FlowChatClosedEvent,
  FlowChatConnectionChangedEvent,
  FlowChatMessageReceivedEvent,
  FlowChatMessageSentEvent,
  FlowChatOpenedEvent,
  FlowChatUnreadChangedEvent,
} from './events.js'
export { LOCALES, directionOf, registerLocale, stringsFor } from './strings.js'
export { ObserveController } from './observe-controller.js'
export type { SentDetail } from './events.js'
export type { FlowChatStrings } from './strings.js'
export type { OpeningState } from './opening-hours-controller.js'
export type { PropertyOptions, PropertyValues } from './flow-element.js'
