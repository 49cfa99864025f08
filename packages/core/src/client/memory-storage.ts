import type { KeyValueStorage } from './types.js'

/**
 * Storage that lives as long as the page or process: the default where `localStorage` does not exist.
 *
 * @example
 * const chat = createFlowChat({ relayUrl, storage: createMemoryStorage() })
 */
export function createMemoryStorage(): KeyValueStorage {
  const items = new Map<string, string>()
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, String(value)),
    removeItem: (key) => void items.delete(key),
  }
}

/** `localStorage` when it exists and works (it throws in some private modes), else memory. */
export function defaultStorage(): KeyValueStorage {
  try {
    const storage = (globalThis as { localStorage?: KeyValueStorage }).localStorage
    if (storage) {
      storage.getItem('flowchat:probe')
      return storage
    }
  } catch {
    // Blocked storage (private mode, sandboxed iframe): keep the session in memory instead.
  }
  return createMemoryStorage()
}

/** Reads JSON from storage; undefined when missing or unreadable (never throws). */
export function readJson(storage: KeyValueStorage, key: string): unknown {
  try {
    const text = storage.getItem(key)
    return text === null ? undefined : (JSON.parse(text) as unknown)
  } catch {
    return undefined
  }
}

/** Writes JSON to storage; false when the storage refused (quota, blocked). */
export function writeJson(storage: KeyValueStorage, key: string, value: unknown): boolean {
  try {
    if (value === undefined) storage.removeItem(key)
    else storage.setItem(key, JSON.stringify(value))
    return true
  } catch {
    return false
  }
}
