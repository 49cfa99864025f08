import type { ChatMessage, Connection } from './client-types.js'

const init = { bubbles: true, composed: true } as const

/**
 * The chat window opened (launcher mode), by the visitor, `open()` or the `open` attribute.
 *
 * @example
 * chat.addEventListener(FlowChatOpenedEvent.eventName, () => analytics.track('chat opened'))
 */
export class FlowChatOpenedEvent extends Event {
  static readonly eventName = 'flow-chat-opened'
  constructor() {
    super(FlowChatOpenedEvent.eventName, init)
  }
}

/**
 * The chat window closed (launcher mode).
 *
 * @example
 * chat.addEventListener('flow-chat-closed', () => console.log('closed'))
 */
export class FlowChatClosedEvent extends Event {
  static readonly eventName = 'flow-chat-closed'
  constructor() {
    super(FlowChatClosedEvent.eventName, init)
  }
}

/** What the visitor sent, as given to the client's `send`. */
export type SentDetail =
  | { type: 'text'; text: string }
  | { type: 'event'; eventName: string; label?: string }
  | { type: 'location'; lat: number; long: number }
  | { type: 'upload'; filename: string; size: number; mimeType: string }

/**
 * The visitor sent something: text, a postback or quick reply, a location or a file.
 *
 * @example
 * chat.addEventListener('flow-chat-message-sent', (e) => console.log(e.detail.type))
 */
export class FlowChatMessageSentEvent extends Event {
  static readonly eventName = 'flow-chat-message-sent'
  constructor(readonly detail: SentDetail) {
    super(FlowChatMessageSentEvent.eventName, init)
  }
}

/**
 * A new message from the bot or an agent arrived (not history loaded on start or when scrolling up).
 *
 * @example
 * chat.addEventListener('flow-chat-message-received', (e) => console.log(e.message.templates))
 */
export class FlowChatMessageReceivedEvent extends Event {
  static readonly eventName = 'flow-chat-message-received'
  constructor(readonly message: ChatMessage) {
    super(FlowChatMessageReceivedEvent.eventName, init)
  }
}

/**
 * The unread count on the launcher changed: messages arrived while the window was closed, or it opened.
 *
 * @example
 * chat.addEventListener('flow-chat-unread-changed', (e) => (tab.title = e.count ? `(${e.count}) Shop` : 'Shop'))
 */
export class FlowChatUnreadChangedEvent extends Event {
  static readonly eventName = 'flow-chat-unread-changed'
  constructor(readonly count: number) {
    super(FlowChatUnreadChangedEvent.eventName, init)
  }
}

/**
 * The relay connection changed state (`connecting`, `open`, `reconnecting`, `offline`, `failed`, …).
 *
 * @example
 * chat.addEventListener('flow-chat-connection-changed', (e) => console.log(e.connection.state))
 */
export class FlowChatConnectionChangedEvent extends Event {
  static readonly eventName = 'flow-chat-connection-changed'
  constructor(readonly connection: Connection) {
    super(FlowChatConnectionChangedEvent.eventName, init)
  }
}

declare global {
  interface HTMLElementEventMap {
    'flow-chat-opened': FlowChatOpenedEvent
    'flow-chat-closed': FlowChatClosedEvent
    'flow-chat-message-sent': FlowChatMessageSentEvent
    'flow-chat-message-received': FlowChatMessageReceivedEvent
    'flow-chat-unread-changed': FlowChatUnreadChangedEvent
    'flow-chat-connection-changed': FlowChatConnectionChangedEvent
  }
}
