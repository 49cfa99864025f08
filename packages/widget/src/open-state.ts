/** Where the launcher's open state lives for the tab's session (a reload keeps it; a new tab starts closed). */
const KEY = 'flowchat:open'

/**
 * Whether the window was open before the page (re)loaded in this tab. Storage that cannot be read (a sandboxed
 * frame, storage disabled) reads as closed.
 *
 * @example
 * if (wasOpen()) el.open = true
 */
export function wasOpen(): boolean {
  try {
    return sessionStorage.getItem(KEY) === '1'
  } catch {
    return false
  }
}

/**
 * Remembers the open state for a reload of this tab.
 *
 * @example
 * rememberOpen(true)
 */
export function rememberOpen(open: boolean): void {
  try {
    if (open) sessionStorage.setItem(KEY, '1')
    else sessionStorage.removeItem(KEY)
  } catch {
    // Not remembered: the window starts closed after a reload.
  }
}
