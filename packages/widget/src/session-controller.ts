import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { createFlowChat } from '@flowchat/core'
import type { Profile } from '@flowchat/core/schemas'
import type { FlowChat, ThreadHandle } from './client-types.js'

/** The business hours a client reports. */
export type BusinessHours = Awaited<ReturnType<FlowChat['businessHours']>>

/** What the element configures: a ready client, or how to make one. Read at each `connect()`. */
export interface SessionOptions {
  readonly chat: FlowChat | undefined
  readonly relay: string | undefined
  readonly threadId: string | undefined
  readonly token: string | undefined
  readonly visitorName: string | undefined
  readonly profile: Profile | undefined
}

/** What the session controller tells its element. */
export interface SessionCallbacks {
  /** The thread to show, or `undefined` while there is none (not connected, released). */
  onHandle: (handle: ThreadHandle | undefined) => void
  /** Why no thread could be opened, or `''` when a new attempt starts. */
  onError: (message: string) => void
  /** The business hours of the client (`[]` when released); none when the client has none. */
  onHours: (hours: BusinessHours) => void
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e))

/**
 * The element's session: makes a client from `relay` (anonymous, or an existing thread with `threadId` and
 * `token`) unless the page passed one, resolves the visitor's thread and hands its handle on, and closes the
 * client it made when the element leaves the page or starts over. Answers that arrive after a newer `connect()`
 * or `release()` are dropped. Once connected, it connects again when the element returns to the page.
 *
 * @example
 * readonly #session = new SessionController(this, () => ({ chat: this.chat, relay: this.relay, ... }), {
 *   onHandle: (handle) => this.#setHandle(handle), onError: (e) => (this._error = e), onHours: (h) => ...,
 * })
 * this.#session.connect()
 */
export class SessionController implements ReactiveController {
  readonly #options: () => SessionOptions
  readonly #callbacks: SessionCallbacks
  #ownChat: FlowChat | undefined
  #generation = 0
  #started = false
  #connectedAt = 0

  constructor(host: ReactiveControllerHost, options: () => SessionOptions, callbacks: SessionCallbacks) {
    this.#options = options
    this.#callbacks = callbacks
    host.addController(this)
  }

  /** When the last `connect()` ran (epoch ms): messages older than that are the conversation so far. */
  get connectedAt(): number {
    return this.#connectedAt
  }

  hostConnected(): void {
    if (this.#started) this.connect()
  }

  hostDisconnected(): void {
    this.release()
  }

  /** Starts over: releases what there is, then opens the configured client's thread. */
  connect(): void {
    this.#started = true
    this.release()
    const generation = this.#generation
    const { onHandle, onError, onHours } = this.#callbacks
    onError('')
    const options = this.#options()
    let chat = options.chat
    if (!chat) {
      if (!options.relay) {
        onHandle(undefined)
        return
      }
      try {
        chat = createFlowChat({
          relayUrl: options.relay,
          session:
            options.threadId && options.token
              ? { threadId: options.threadId, token: options.token }
              : { anonymous: true },
          visitor: { name: options.visitorName, profile: options.profile },
        })
      } catch (e) {
        onError(messageOf(e))
        return
      }
      this.#ownChat = chat
    }
    const client = chat
    this.#connectedAt = Date.now()
    const threadId = options.threadId
    const resolved = threadId ? Promise.resolve({ threadId }) : Promise.resolve().then(() => client.session())
    resolved.then(
      ({ threadId: id }) => {
        if (generation === this.#generation) onHandle(client.thread(id))
      },
      (e: unknown) => {
        if (generation === this.#generation) onError(messageOf(e))
      },
    )
    Promise.resolve()
      .then(() => client.businessHours())
      .then(
        (hours) => {
          if (generation === this.#generation) onHours(hours)
        },
        // Without business hours the widget simply shows no closing banner.
        () => undefined,
      )
  }

  /** Drops the thread, and closes the client this controller made. */
  release(): void {
    this.#generation++
    this.#callbacks.onHours([])
    this.#callbacks.onHandle(undefined)
    this.#ownChat?.close()
    this.#ownChat = undefined
  }

  /** Ends the visitor's chat (a site's logout): forgets the stored session and outbox of the client in use. */
  reset(): void {
    const chat = this.#ownChat ?? this.#options().chat
    this.#ownChat = undefined
    this.release()
    chat?.reset()
  }
}
