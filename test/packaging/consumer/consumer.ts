// Compiled by the packaging test inside a fresh project that installed the packed tarballs with npm, with
// `moduleResolution` `nodenext` and `bundler`: the published types must be whole and precise.
import { createFlowChat, FlowError, type ChatMessage } from '@flowchat/core'
import { createFlowRestClient } from '@flowchat/core/rest'
import { parseWebhookEvent, decodeTemplate } from '@flowchat/core/schemas'
import {
  FlowChatElement,
  FlowChatOpenedEvent,
  type FlowChatMessageReceivedEvent,
  type FlowChatMessageSentEvent,
  registerLocale,
  type SentDetail,
} from '@flowchat/widget'
import de from '@flowchat/widget/locales/de.js'

// The locale modules, as the widget README imports them.
registerLocale('de', de)
console.log(de.send.length)

const chat = createFlowChat({ relayUrl: 'https://relay.example.com' })
chat.thread('t1').messages$.subscribe((messages: readonly ChatMessage[]) => console.log(messages.length))

const rest = createFlowRestClient({ apiKey: 'key', auth: 'raw' })
void rest.sendMessage('t1', { type: 'text', text: 'Hello', originator: { name: 'Ann', role: 'external' } })

const event = parseWebhookEvent({ type: 'control.pause', payload: { threadId: 't1' } })
if (event.ok && event.value.kind === 'paused') console.log(event.value.threadId)
console.log(decodeTemplate({ type: 'text', payload: { text: 'Hi' } }).type)
console.log(new FlowError('network', 'offline') instanceof Error)

// HTMLElementTagNameMap: createElement knows the tag.
const element: FlowChatElement = document.createElement('flow-chat')
element.relay = 'https://relay.example.com'
element.opened = true
element.open()
// @ts-expect-error `opened` is a boolean: the element's types are precise, not `any`.
element.opened = 'yes'
console.log(element instanceof FlowChatElement, FlowChatOpenedEvent.eventName)

// HTMLElementEventMap: listeners get the event classes.
element.addEventListener('flow-chat-message-received', (e) => {
  const received: FlowChatMessageReceivedEvent = e
  console.log(received.message.id)
})
element.addEventListener('flow-chat-message-sent', (e: FlowChatMessageSentEvent) => {
  const detail: SentDetail = e.detail
  console.log(detail)
})
