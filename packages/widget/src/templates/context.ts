import type { FlowChatStrings } from '../strings.js'

/** What a template helper needs beyond its payload: the strings and the actions its controls trigger. */
export interface TemplateContext {
  readonly strings: FlowChatStrings
  /** Sends text as the visitor (a postback, a quick reply). */
  sendText(text: string): void
  /** Triggers a Flow.ai event; `label` is what the transcript shows. */
  sendEvent(eventName: string, label?: string): void
  /** Asks for the visitor's position and sends it. */
  shareLocation(): void
}
