/** `@flowchat/demo/stack`: start the emulator, relay and demo pages together (`pnpm start`, the full-stack test). */
export { startDemoStack } from './start-demo-stack.js'
export { readStackOptions, PORT_SETTINGS, STACK_HELP, StackOptionsError } from './stack-options.js'
export { StackStartError } from './stack-start-error.js'
export type { DemoStack, DemoStackOptions } from './start-demo-stack.js'
export type { StackOptions, StackPorts, StackService } from './stack-options.js'
export { chromiumLaunchOptions, CHROMIUM_ARGS } from './chromium-options.js'
