// The console page: an operator session from the token `pnpm start` put into the page, and the console element.
import { createOperatorChat } from '@flowchat/core'
import './operator-console.js'

const meta = (name: string): string =>
  document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content.trim() ?? ''

const say = (html: string) => {
  document.body.innerHTML = `<p style="font: 16px system-ui; padding: 2rem">${html}</p>`
}

const relayUrl = meta('flowchat-relay')
const operatorToken = meta('flowchat-operator-token')
const element = document.querySelector('operator-console')
if (!relayUrl || !operatorToken) {
  say(
    'The console needs the relay: run <code>pnpm start</code> at the repository root and open the console URL it prints.',
  )
} else if (element) {
  // The console shows the all-threads stream's state in its header (live, reconnecting, or why it stopped).
  element.client = createOperatorChat({
    relayUrl,
    session: { operatorToken },
    visitor: { name: 'Sam from Northfield' },
  })
}
