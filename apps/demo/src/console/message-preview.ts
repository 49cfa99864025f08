import type { ChatMessage, ThreadBotStatus as BotStatus } from '@flowchat/core'

/** How the console names a message's author. */
export function senderLabel(message: ChatMessage): string {
  if (message.sender === 'visitor') return message.senderName ?? 'Visitor'
  if (message.sender === 'agent') return message.senderName ? `${message.senderName} (agent)` : 'Agent'
  return message.senderName ?? 'Bot'
}

/**
 * One line of text for a message: its texts, else the kinds of what it shows (`[card: Shoes]`), else its fallback.
 *
 * @example
 * previewText({ templates: [{ type: 'text', payload: { text: 'Hi' } }], … }) // 'Hi'
 */
export function previewText(message: ChatMessage): string {
  const parts = message.templates.map((template) => {
    switch (template.type) {
      case 'text':
        return template.payload.text
      case 'card':
        return `[card${template.payload.title ? `: ${template.payload.title}` : ''}]`
      case 'buttons':
        return template.payload.title ?? '[buttons]'
      case 'location':
        return `[location${template.payload.title ? `: ${template.payload.title}` : ''}]`
      case 'other':
        return message.fallback ?? `[${template.originalType}]`
      case 'image':
      case 'video':
      case 'audio':
      case 'file':
        return `[${template.type}${template.payload.title ? `: ${template.payload.title}` : ''}]`
      case 'carousel':
        return `[carousel of ${template.payload.cards.length}]`
      case 'list':
        return `[list of ${template.payload.items.length}]`
    }
  })
  const text = parts.filter((part) => part !== '').join(' ')
  return text || message.fallback || '(empty message)'
}

/** The bot's state in words, with the time a pause ends when known. */
export function botStatusLabel(status: BotStatus): string {
  const until = 'until' in status && status.until ? ` until ${formatTime(status.until)}` : ''
  if (status.state === 'paused') return `Bot paused${until}`
  if (status.state === 'handover') return `Handed over to an agent${until}`
  return 'Bot active'
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })

/** `14:05` for an epoch-ms time. */
export function formatTime(epochMs: number): string {
  return timeFormat.format(new Date(epochMs))
}

/** A long thread id (`<uuid>|o_<channel>`) shortened for a list. */
export function shortThreadId(threadId: string): string {
  const id = threadId.split('|')[0] ?? threadId
  return id.length > 14 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id
}
