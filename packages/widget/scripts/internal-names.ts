/**
 * Members of the widget's controllers, and of the objects the element hands its templates, that only the widget's
 * own code reads: the single file's minifier shortens them as it does `_`-prefixed names (`vite.config.ts`,
 * -91 B gzip). Renaming is consistent inside the file, so a name here is safe only if nothing outside the file's
 * own code reads or writes it by that name:
 * - no DOM object has it (checked in Chromium by `test/bundle.test.ts`);
 * - `@flowchat/core` does not use it (core's objects cross into a page's own client, storage and other tabs), nor
 *   do the strings as a `{placeholder}`, which `format` looks up by name (`test/internal-names.test.ts`);
 * - it is not part of what the file exports (`FlowChatElement`, the events, `ObserveController`): a page's own
 *   `chat` is read through `thread`, `messages$`, `send`, `loadOlder`, …, which keep their names.
 */
export const WIDGET_CONTROLLER_NAMES: readonly string[] = [
  // The element's controllers, each held in a private field of the element (no page reaches them).
  ...['follow', 'arrived', 'onScroll', 'unseen'], // transcript
  ...['handle', 'connectedAt', 'awaitingReply', 'hasOlder'], // session
  ...['ask', 'dragging', 'onDrag', 'onDrop', 'onPaste', 'onPosition', 'onNotice'], // tab, drop, location
  // What the element hands its templates (the template modules are not exported) and its strings cache.
  ...['sendText', 'sendEvent', 'overrides'],
  ...['draft', 'notice', 'onInput', 'onSubmit', 'onFiles', 'onLocation'], // the composer's state
]
