import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { backoffDelay, createFlowChat, isTransientFailure, toFlowError } from '@flowchat/core'
import type { BotStatus, ChatMessage, Connection, FlowChat, ThreadHandle } from './client-types.js'
import type { FlowChatElement } from './flow-chat.component.js'
import { ObserveController } from './observe-controller.js'
import { OpeningHoursController } from './opening-hours-controller.js'

/** The element's properties a session is made from: a change to any of them starts a new session. */
export const SESSION_KEYS = [
  'relay',
  'threadId',
  'token',
  'chat',
  'visitor',
  'visitorName',
  'profile',
] as const

/** What the session reads of its element. */
export type SessionHost = ReactiveControllerHost &
  Pick<FlowChatElement, (typeof SESSION_KEYS)[number] | 'hasUpdated' | 'isConnected'>

/**
 * The element's session: makes a client from `relay` (anonymous, or the thread of `threadId` and `token`) unless
 * the page passed a `chat`, opens the visitor's thread and follows its streams, fetches the business hours, and
 * closes the client it made when the element leaves the page or starts over; back on the page, it starts again.
 * Answers that arrive after a newer `connect()` are dropped.
 *
 * @example
 * readonly #session = new SessionController(this, (next, previous) => this.#arrived(previous, next))
 * willUpdate() { if (!this.hasUpdated) this.#session.connect() }
 * render() { return html`${this.#session.messages.value.length} messages` }
 */
export class SessionController implements ReactiveController {
  /** The open thread; none before it resolves, without a relay, or after a failure. */
  declare handle: ThreadHandle | undefined
  /** Why the session could not start (`''` while it is fine). */
  error = ''
  /** When the session last started (epoch ms): messages from before are the conversation so far. */
  connectedAt = 0
  declare readonly messages: ObserveController<readonly ChatMessage[]>
  declare readonly connection: ObserveController<Connection>
  declare readonly botStatus: ObserveController<BotStatus>
  declare readonly awaitingReply: ObserveController<boolean>
  declare readonly queued: ObserveController<number>
  declare readonly hasOlder: ObserveController<boolean>
  /** Whether the business is open now, as the client's relay answers. */
  declare readonly opening: OpeningHoursController
  readonly #host: SessionHost
  #ownChat: FlowChat | undefined
  #generation = 0

  /** `onMessages` sees each list of messages with the one before it, before the host renders. */
  constructor(
    host: SessionHost,
    onMessages: (next: readonly ChatMessage[], previous: readonly ChatMessage[]) => void,
  ) {
    this.#host = host
    this.messages = new ObserveController<readonly ChatMessage[]>(
      host,
      () => this.handle?.messages$,
      [],
      onMessages,
    )
    this.connection = new ObserveController<Connection>(host, () => this.handle?.connection$, {
      state: 'idle',
    })
    this.botStatus = new ObserveController<BotStatus>(host, () => this.handle?.botStatus$, {
      state: 'active',
    })
    this.awaitingReply = new ObserveController(host, () => this.handle?.awaitingReply$, false)
    this.queued = new ObserveController(host, () => this.handle?.queued$, 0)
    this.hasOlder = new ObserveController(host, () => this.handle?.hasOlder$, false)
    this.opening = new OpeningHoursController(host)
    host.addController(this)
  }

  hostConnected(): void {
    if (this.#host.hasUpdated) this.connect()
  }

  hostDisconnected(): void {
    this.#release()
  }

  /** Starts over from the host's properties: the previous client, if this controller made it, is closed. */
  connect(): void {
    this.#release()
    const generation = this.#generation
    const host = this.#host
    const fail = (e: unknown) => {
      if (generation === this.#generation) {
        const error = toFlowError(e)
        this.error = error.message
        host.requestUpdate()
        // A relay out of reach (restarting, or the visitor's network as the page loaded) is asked again after a
        // back-off, as the client's streams are, instead of leaving the chat dead until a reload. Each start
        // counts as an attempt, retries included, so the wait grows to back-off's ceiling (30 s) and stays there.
        if (isTransientFailure(error))
          setTimeout(() => generation === this.#generation && this.connect(), backoffDelay(generation))
      }
    }
    host.requestUpdate()
    let chat = host.chat
    if (!chat) {
      if (!host.relay) return
      try {
        chat = this.#ownChat = createFlowChat({
          relayUrl: host.relay,
          session:
            host.threadId && host.token
              ? { threadId: host.threadId, token: host.token }
              : { anonymous: true },
          visitor: {
            name: host.visitor?.name ?? host.visitorName,
            profile: host.visitor?.profile ?? host.profile,
          },
        })
      } catch (e) {
        return fail(e)
      }
    }
    const client = chat
    this.connectedAt = Date.now()
    // A `thread-id` without its `token` cannot be the element's own client's (its anonymous session is another
    // thread): that client's session is used. A page's `chat` knows its threads, and takes the id alone.
    const threadId = host.chat || host.token ? host.threadId : undefined
    Promise.resolve()
      .then(() => (threadId ? { threadId } : client.session()))
      .then((session) => {
        if (generation === this.#generation) {
          // A failure stays told (the banner, `failed` to the page) while a retry is under way, until one succeeds.
          this.error = ''
          this.#setHandle(client.thread(session.threadId))
        }
      }, fail)
    this.opening.follow(client)
  }

  /**
   * Ends the visitor's chat (a site's logout): the client in use forgets its stored session and outbox. A client
   * this controller made is closed and a new one starts with a new anonymous session (while the host is on the
   * page); a `chat` the page passed stays reset until the page gives another.
   */
  reset(): void {
    const host = this.#host
    const chat = this.#ownChat ?? host.chat
    this.#ownChat = undefined
    this.#release()
    chat?.reset()
    if (!host.chat && host.isConnected) this.connect()
  }

  #setHandle(handle: ThreadHandle | undefined): void {
    if (handle === this.handle) return
    this.handle = handle
    for (const c of [
      this.messages,
      this.connection,
      this.botStatus,
      this.awaitingReply,
      this.queued,
      this.hasOlder,
    ]) {
      c.refresh()
    }
  }

  #release(): void {
    this.#generation++
    this.opening.follow()
    this.#setHandle(undefined)
    this.#ownChat?.close()
    this.#ownChat = undefined
  }
}
