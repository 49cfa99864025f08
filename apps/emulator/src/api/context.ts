import type { BusinessHours } from '@flowchat/core/schemas'
import type { Conversation } from '../conversation.js'
import type { MediaStore } from '../media-store.js'
import type { ResolvedOptions } from '../options.js'
import type { ThreadStore } from '../thread-store.js'

/** What the routes work with. */
export interface ApiContext {
  options: ResolvedOptions
  store: ThreadStore
  conversation: Conversation
  media: MediaStore
  businessHours: BusinessHours[]
  triggerEvents: string[]
  /** The emulator's origin (`http://127.0.0.1:8787`), once listening. */
  origin: () => string
}
