import { FlowChatElement } from './flow-chat.component.js'

export { FlowChatElement }

// Registers only where there is a registry (a browser, or a DOM shim a page's tests install), so importing the
// package in Node without a DOM does not throw. A second copy of the bundle on the same page must not throw on a
// duplicate definition either.
if (typeof customElements !== 'undefined' && !customElements.get('flow-chat')) {
  customElements.define('flow-chat', FlowChatElement)
}

declare global {
  interface HTMLElementTagNameMap {
    'flow-chat': FlowChatElement
  }
}
