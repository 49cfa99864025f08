// `pnpm exec vite apps/demo` serves the pages alone (no relay: they say to run `pnpm start`); `pnpm start` uses
// the same settings in-process and fills in the relay's address.
import { defineConfig } from 'vite'
import { demoPagesPlugin } from './src/stack/demo-pages-plugin.js'
import { demoViteConfig } from './src/stack/demo-vite-config.js'

export default defineConfig({
  ...demoViteConfig(),
  plugins: [demoPagesPlugin(() => Promise.resolve(undefined))],
})
