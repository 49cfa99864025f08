// The reactive client, live on a relay whose Redis restarts empty under it (no persistence), with the emulator as
// Flow.ai. The Redis before the restart ran ahead (`XSETID`: a clock stepped back, or the restart is on another
// host), so the new log's ids are below every id the client already has. The relay tells the live stream to reset;
// the client refetches history and must go on showing every message once, in order: the new events with their lower
// ids taken, the messages it showed before neither lost nor doubled.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { compareEventIds, createFlowChat, createMemoryStorage, type ChatMessage } from '@flowchat/core'
import { createRedisStorage } from '@flowchat/relay'
import { createRedisKeys } from '../apps/relay/src/storage/redis-keys.js'
import { redisCommand } from '../apps/relay/src/storage/redis-servers-test-support.js'
import {
  randomPrefix,
  startPrivateRedis,
  type PrivateRedis,
} from '../apps/relay/src/storage/redis-test-support.js'
import { startStack, transcript, when, type Stack } from './client-stack.js'
import { until } from './relay-cluster-support.js'

/** A frame of the relay's SSE stream as the client's `fetch` received it. */
interface Frame {
  event: string
  id: string | undefined
}

/**
 * The client's network: a `fetch` that passes everything through, notes each event stream's frames and counts the
 * thread's history reads (what the client was told, beside what it shows), and can be cut: open streams break and
 * every request fails, as when a laptop loses its Wi-Fi, until it is back.
 */
function clientNetwork() {
  const frames: Frame[] = []
  const open = new Set<ReadableStreamDefaultController<Uint8Array>>()
  let historyReads = 0
  let historyAnswers = 0
  let up = true
  let historyHeld: Promise<void> | undefined
  const networkFetch: typeof fetch = async (input, init) => {
    if (!up) throw new TypeError('fetch failed: the network is down')
    const url = new URL(input instanceof Request ? input.url : String(input))
    const history = url.pathname.endsWith('/messages') && (init?.method ?? 'GET') === 'GET'
    if (history) {
      historyReads++
      await historyHeld
    }
    const response = await fetch(input, init)
    if (history) {
      // Read here, so that once counted the page is the client's to fold in.
      const page = await response.text()
      historyAnswers++
      return new Response(page, { status: response.status, headers: response.headers })
    }
    if (!url.pathname.endsWith('/events') || !response.body) return response
    const reader = response.body.getReader()
    const readFrame = frameReader((frame) => frames.push(frame))
    let mine: ReadableStreamDefaultController<Uint8Array>
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => void open.add((mine = controller)),
      async pull(controller) {
        // A relay that went away ends the body; the client sees the end and reconnects.
        const { done, value } = await reader.read().catch(() => ({ done: true as const, value: undefined }))
        if (!open.has(mine)) return
        if (done) {
          open.delete(mine)
          return controller.close()
        }
        readFrame(value)
        controller.enqueue(value)
      },
      cancel: (reason) => {
        open.delete(mine)
        return reader.cancel(reason)
      },
    })
    return new Response(body, { status: response.status, headers: response.headers })
  }
  return {
    fetch: networkFetch,
    frames,
    get historyReads() {
      return historyReads
    },
    /** History reads answered in full. */
    get historyAnswers() {
      return historyAnswers
    },
    cut() {
      up = false
      for (const controller of open) controller.error(new TypeError('the network is down'))
      open.clear()
    },
    restore() {
      up = true
    },
    /** History reads wait until the returned function is called (a slow page). */
    holdHistory() {
      let release!: () => void
      historyHeld = new Promise<void>((resolve) => (release = resolve))
      return () => {
        historyHeld = undefined
        release()
      }
    },
  }
}

/** Reads SSE bytes chunk by chunk and reports each named frame. */
function frameReader(onFrame: (frame: Frame) => void): (chunk: Uint8Array) => void {
  const decoder = new TextDecoder()
  let buffered = ''
  return (chunk) => {
    buffered += decoder.decode(chunk, { stream: true })
    let end: number
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const lines = buffered.slice(0, end).split('\n')
      buffered = buffered.slice(end + 2)
      const field = (name: string) =>
        lines
          .find((line) => line.startsWith(`${name}:`))
          ?.slice(name.length + 1)
          .trim()
      const event = field('event')
      if (event !== undefined) onFrame({ event, id: field('id') })
    }
  }
}

/** The ids shown more than once in one emission of `messages$`. */
const repeatedIds = (messages: readonly ChatMessage[]) =>
  messages.map((m) => m.id).filter((id, i, ids) => ids.indexOf(id) !== i)

let redis: PrivateRedis
let stack: Stack | undefined
beforeAll(async () => {
  redis = await startPrivateRedis()
})
afterEach(async () => {
  await stack?.close()
  stack = undefined
})
afterAll(() => redis?.stop())

/**
 * A visitor's client on the stack, live on its thread, that has said `one` and `two` and seen both answered; the
 * second exchange came from the old Redis set a minute ahead, so the client holds ids the new log stays below.
 */
async function conversationAhead(keyPrefix: string) {
  stack = await startStack({
    relay: { storage: createRedisStorage({ url: redis.url, keyPrefix, onError: () => undefined }) },
  })
  const recorder = clientNetwork()
  const chat = createFlowChat({
    relayUrl: stack.relayUrl,
    storage: createMemoryStorage(),
    fetch: recorder.fetch,
    backoff: { baseMs: 50, maxMs: 400 },
  })
  const { threadId } = await chat.session()
  const thread = chat.thread(threadId)
  // Every list the user was shown, and every connection state.
  const shown: (readonly ChatMessage[])[] = []
  const connection: string[] = []
  const subscriptions = [
    thread.messages$.subscribe((ms) => shown.push(ms)),
    thread.connection$.subscribe((c) => connection.push(c.state)),
  ]
  await when(thread.hasOlder$, (older) => !older)
  await when(thread.connection$, (c) => c.state === 'open')
  const say = async (text: string) => {
    thread.send({ type: 'text', text })
    await answered(text)
  }
  // Bounded below the test's timeout, so that a failure shows what the user was shown.
  const answered = (text: string) =>
    within(
      when(thread.messages$, (ms) => transcript(ms).includes(`bot:You said: ${text}`)),
      () => `the answer to "${text}"; shown: ${JSON.stringify(shown.at(-1)?.map((m) => transcript([m])[0]))}`,
    )

  await say('one')
  // The old Redis ran a minute ahead: every id from here on is above what the restarted Redis gives out for a minute.
  const keys = createRedisKeys(keyPrefix, 1)
  const ahead = `${Date.now() + 60_000}-0`
  await redisCommand(redis.port, 'XSETID', keys.operators(0), ahead)
  await redisCommand(redis.port, 'XSETID', keys.thread(threadId), ahead)
  await say('two')
  const newestBefore = recorder.frames.flatMap((f) => (f.id === undefined ? [] : [f.id])).at(-1)!
  expect(compareEventIds(newestBefore, ahead)).toBeGreaterThan(0)
  expect(transcript(await when(thread.messages$, () => true))).toEqual([
    'visitor:one',
    'bot:You said: one',
    'visitor:two',
    'bot:You said: two',
  ])
  const framesBefore = recorder.frames.length
  const readsBefore = recorder.historyReads

  return {
    thread,
    network: recorder,
    connection,
    say,
    answered,
    /** The relay's stream told the client the log is gone, and the client refetched history. */
    async resetTaken() {
      const resetSeen = () => recorder.frames.slice(framesBefore).some((f) => f.event === 'reset')
      await until(resetSeen, 'the relay to send a reset')
      await until(() => recorder.historyReads > readsBefore, 'the client to refetch history after the reset')
    },
    /** Checks what the user saw: `said` asked and answered in order, every message once, none taken away. */
    async shows(said: string[]) {
      await when(thread.connection$, (c) => c.state === 'open')
      const messages = await when(thread.messages$, () => true)
      const described = JSON.stringify({
        shown: messages.map((m) => [m.id, transcript([m])[0], m.state]),
        frames: recorder.frames,
        connection,
      })
      // The scenario holds: the events after the restart came with ids below those the client had.
      const ids = recorder.frames.slice(framesBefore).flatMap((f) => (f.id === undefined ? [] : [f.id]))
      expect(ids.length, described).toBeGreaterThan(0)
      expect(connection, described).not.toContain('failed')
      expect(
        ids.filter((id) => compareEventIds(id, newestBefore) >= 0),
        described,
      ).toEqual([])
      expect(transcript(messages), described).toEqual(
        said.flatMap((text) => [`visitor:${text}`, `bot:You said: ${text}`]),
      )
      expect(
        messages.filter((m) => m.own).map((m) => m.state),
        described,
      ).toEqual(said.map(() => 'delivered'))
      // Never, not even for one emission, was a message shown twice, or one already shown taken away.
      expect(shown.flatMap(repeatedIds), described).toEqual([])
      const dropped = shown.flatMap((list, i) =>
        list.filter((m) => shown[i + 1] && !shown[i + 1]!.some((n) => n.id === m.id)).map((m) => m.id),
      )
      expect(dropped, described).toEqual([])
      // And Flow.ai got each send once.
      await stack!.emulator.idle()
      const sent = (stack!.emulator.thread(threadId)?.history ?? [])
        .filter((entry) => entry.originator?.role === 'user')
        .flatMap((entry) => entry.messages.map((m) => (m.responses[0]?.payload as { text?: string }).text))
      expect(sent, described).toEqual(said)
      for (const subscription of subscriptions) subscription.unsubscribe()
      chat.close()
    },
  }
}

describe('the client while the relay’s Redis restarts empty', { timeout: 60_000 }, () => {
  it('takes the reset, refetches history, and shows every later message once, in order, though the new ids are lower', async () => {
    const chat = await conversationAhead(randomPrefix('client-restart'))
    await redis.stop()
    await redis.start()
    await chat.resetTaken()
    for (const text of ['three', 'four', 'five']) await chat.say(text)
    // The reset came on the live stream: the connection never dropped.
    expect(chat.connection.filter((state) => state !== 'connecting' && state !== 'open')).toEqual([])
    await chat.shows(['one', 'two', 'three', 'four', 'five'])
  })

  it('a send made while Redis is down goes out once and is answered after the reset', async () => {
    const chat = await conversationAhead(randomPrefix('client-restart-down'))
    await redis.stop()
    chat.thread.send({ type: 'text', text: 'three' })
    await when(chat.thread.messages$, (ms) => transcript(ms).includes('visitor:three'))
    await redis.start()
    await chat.resetTaken()
    await chat.answered('three')
    await chat.say('four')
    await chat.shows(['one', 'two', 'three', 'four'])
  })

  it('a visitor who talks on at once after the restart sees every message once', async () => {
    const chat = await conversationAhead(randomPrefix('client-restart-at-once'))
    await redis.stop()
    await redis.start()
    await chat.say('three')
    await chat.resetTaken()
    await chat.say('four')
    await chat.shows(['one', 'two', 'three', 'four'])
  })

  it('a history page that comes back after newer live messages adds none twice', async () => {
    const chat = await conversationAhead(randomPrefix('client-restart-slow-history'))
    const release = chat.network.holdHistory()
    await redis.stop()
    await redis.start()
    await chat.resetTaken()
    await chat.say('three')
    const answers = chat.network.historyAnswers
    release()
    await until(() => chat.network.historyAnswers > answers, 'the held history page')
    await chat.say('four')
    await chat.shows(['one', 'two', 'three', 'four'])
  })

  it('a client whose network was down during the restart resumes, is reset, and its send goes out once', async () => {
    const chat = await conversationAhead(randomPrefix('client-restart-offline'))
    chat.network.cut()
    await when(chat.thread.connection$, (c) => c.state === 'reconnecting')
    await redis.stop()
    await redis.start()
    chat.thread.send({ type: 'text', text: 'three' })
    await when(chat.thread.messages$, (ms) => ms.at(-1)?.state === 'failed' || ms.at(-1)?.state === 'pending')
    chat.network.restore()
    await chat.resetTaken()
    await chat.answered('three')
    await chat.say('four')
    await chat.shows(['one', 'two', 'three', 'four'])
  })
})

/** `promise`, or a rejection naming what did not come within `timeoutMs`. */
async function within<T>(promise: Promise<T>, what: () => string, timeoutMs = 15_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what()}`)), timeoutMs)
  })
  return Promise.race([promise, late]).finally(() => clearTimeout(timer))
}
