import type { FlowChatStrings } from '../strings.js'

/** What a template helper needs beyond its payload: the strings and the actions its controls trigger. */
export interface TemplateContext {
  readonly strings: FlowChatStrings
  /** Sends text as the visitor (a postback, a quick reply). */
  sendText(text: string): void
  /**
   * Triggers a Flow.ai event. `label` (the button's or chip's) goes with the `flow-chat-message-sent` event; the
   * transcript shows the event name, as core's `SendInput` says, the same live, in other tabs and from history.
   */
  sendEvent(eventName: string, label?: string): void
  /** Asks for the visitor's position and sends it. */
  shareLocation(): void
}
