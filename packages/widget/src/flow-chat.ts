import { FlowChatElement } from './flow-chat.component.js'

export { FlowChatElement }

// A second copy of the bundle on the same page must not throw on a duplicate definition.
if (!customElements.get('flow-chat')) customElements.define('flow-chat', FlowChatElement)

declare global {
  interface HTMLElementTagNameMap {
    'flow-chat': FlowChatElement
  }
}
