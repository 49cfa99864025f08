// The console page: an operator session from the token `pnpm start` put into the page, and the console element.
import { createFlowChat } from '@flowchat/core'
import { filter, firstValueFrom } from 'rxjs'
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
  const client = createFlowChat({
    relayUrl,
    session: { operatorToken },
    visitor: { name: 'Sam from Northfield' },
  })
  // Open the all-threads stream first and wait until it is connected: that is when the client holds the operator
  // token, so the thread list `threads$` loads on subscribe is asked for with it (not anonymously, which fails).
  // The subscription stays for the page's life; the console's own subscriptions share the same stream.
  const connection$ = client.connection$
  connection$.subscribe()
  const first = await firstValueFrom(
    connection$.pipe(filter((c) => c.state === 'open' || c.state === 'failed')),
  )
  if (first.state === 'failed') say(`Cannot reach the relay: ${first.reason}. Reload to try again.`)
  else element.client = client
}
