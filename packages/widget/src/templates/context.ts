import type { FlowChatStrings } from '../strings.js'

/** What a template helper needs beyond its payload: the strings and the actions its controls trigger. */
export interface TemplateContext {
  readonly strings: FlowChatStrings
  /** Sends text as the visitor (a postback, a quick reply). */
  sendText(text: string): void
  /**
   * Triggers a Flow.ai event. The transcript shows `label` (the button's or chip's) when given, else the event
   * name, as core's `SendInput` says: live, in other tabs and after a reload (the relay remembers the label).
   */
  sendEvent(eventName: string, label?: string): void
  /** Asks for the visitor's position and sends it. */
  shareLocation(): void
}
