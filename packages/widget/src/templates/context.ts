import type { FlowChatStrings } from '../strings.js'

/** What a template helper needs beyond its payload: the strings and the actions its controls trigger. */
export interface TemplateContext {
  readonly strings: FlowChatStrings
  /** Sends text as the visitor (a postback, a quick reply). */
  sendText(text: string): void
  /**
   * Triggers a Flow.ai event. The transcript shows `label` (the button's or chip's; the element trims it and cuts it
   * to 255 characters) when it has any text, else the event name, as core's `SendInput` says: live and in other tabs
   * (the label rides on the relay's `sent` event), and after a reload (the relay puts it back on history pages from
   * the `sent` events its storage keeps: any relay instance on the same Redis, and after a restart with Redis).
   */
  sendEvent(eventName: string, label: string): void
  /** Asks for the visitor's position and sends it. */
  shareLocation(): void
}
