import type { Plugin } from 'vite'

/** What the pages need from the running stack, read on every page request. */
export interface DemoRuntime {
  /** Base URL of the relay the widget and the console talk to. */
  relayUrl: string
  /** A fresh operator token for the console (issued per page load, so a reload renews an expired one). */
  operatorToken(): Promise<string>
}

const escapeAttribute = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/**
 * Fills the pages' placeholders at serve time: `%FLOWCHAT_RELAY_URL%` with the relay's URL and
 * `%FLOWCHAT_OPERATOR_TOKEN%` (the console only) with an operator token. Nothing with a secret is ever written
 * to disk; without a running stack (a bare `vite` in apps/demo) the placeholders become empty and the pages say
 * to run `pnpm start`.
 *
 * @example
 * createServer({ ...demoViteConfig(), plugins: [demoPagesPlugin(() => runtime)] })
 */
export function demoPagesPlugin(runtime: () => Promise<DemoRuntime | undefined>): Plugin {
  return {
    name: 'flowchat-demo-pages',
    transformIndexHtml: {
      order: 'pre',
      async handler(html) {
        const current = await runtime()
        let out = html.replaceAll('%FLOWCHAT_RELAY_URL%', escapeAttribute(current?.relayUrl ?? ''))
        if (out.includes('%FLOWCHAT_OPERATOR_TOKEN%')) {
          const token = current ? await current.operatorToken() : ''
          out = out.replaceAll('%FLOWCHAT_OPERATOR_TOKEN%', escapeAttribute(token))
        }
        return out
      },
    },
  }
}
