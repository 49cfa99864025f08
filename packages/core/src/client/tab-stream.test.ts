import { Observable, Subject } from 'rxjs'
import { describe, expect, it } from 'vitest'
import type { StreamSignal } from './event-stream.js'
import { settle } from './test-doubles.js'
import { shareStreamAcrossTabs, type TabChannel, type TabLocks } from './tab-stream.js'

/** Web Locks as one browser has them: exclusive, granted in request order, released when the callback settles. */
function fakeLocks(): TabLocks {
  const queues = new Map<string, (() => void)[]>()
  const held = new Set<string>()
  const pump = (name: string) => {
    if (held.has(name)) return
    const next = queues.get(name)?.shift()
    if (next) next()
  }
  return {
    request(name, { signal }, callback) {
      return new Promise((resolve, reject) => {
        const grant = () => {
          held.add(name)
          void callback().finally(() => {
            held.delete(name)
            resolve(undefined)
            pump(name)
          })
        }
        const queue = queues.get(name) ?? []
        queues.set(name, queue)
        queue.push(grant)
        signal.addEventListener('abort', () => {
          const at = queue.indexOf(grant)
          if (at === -1) return
          queue.splice(at, 1)
          reject(new DOMException('aborted', 'AbortError'))
        })
        queueMicrotask(() => pump(name))
      })
    },
  }
}

/** BroadcastChannel between the tabs of one test: delivered asynchronously, cloned, never to the sender. */
function fakeChannels() {
  const open = new Set<{ name: string; listeners: ((e: MessageEvent) => void)[] }>()
  return (name: string): TabChannel => {
    const self = { name, listeners: [] as ((e: MessageEvent) => void)[] }
    open.add(self)
    return {
      postMessage(message) {
        const data = structuredClone(message)
        for (const other of open)
          if (other !== self && other.name === name)
            queueMicrotask(() => other.listeners.forEach((l) => l(new MessageEvent('message', { data }))))
      },
      addEventListener: (_type, listener) => void self.listeners.push(listener),
      close: () => void open.delete(self),
    }
  }
}

const reply = (id: string): StreamSignal => ({
  type: 'envelope',
  envelope: {
    id,
    threadId: 't1',
    kind: 'reply',
    type: 'message',
    receivedAt: 'x',
    source: 'webhook',
    body: {},
  },
})
const open = (): StreamSignal => ({ type: 'connection', connection: { state: 'open' } })

/** A browser: tabs that share locks, channels and a page lifecycle per tab. */
function browser() {
  const locks = fakeLocks()
  const channel = fakeChannels()
  const streams: { tab: number; source: Subject<StreamSignal>; closed: boolean }[] = []
  const tab = (n: number) => {
    const lifecycle = new EventTarget()
    const share = shareStreamAcrossTabs({ name: 'flowchat:stream:r:t1', locks, channel, lifecycle })
    const seen: StreamSignal[] = []
    const sub = share(
      () =>
        new Observable<StreamSignal>((subscriber) => {
          const stream = { tab: n, source: new Subject<StreamSignal>(), closed: false }
          streams.push(stream)
          const inner = stream.source.subscribe(subscriber)
          return () => {
            stream.closed = true
            inner.unsubscribe()
          }
        }),
    ).subscribe((s) => seen.push(s))
    return {
      seen,
      sub,
      lifecycle,
      ids: () => seen.flatMap((s) => (s.type === 'envelope' ? [s.envelope.id] : [])),
    }
  }
  return { tab, streams, live: () => streams.filter((s) => !s.closed) }
}

describe('shareStreamAcrossTabs', () => {
  it('opens one stream for many tabs and relays every signal to all of them, late joiners included', async () => {
    const b = browser()
    const tabs = [b.tab(1), b.tab(2), b.tab(3)]
    await settle()
    expect(b.streams.map((s) => s.tab)).toEqual([1])
    const leader = b.streams[0]!.source
    leader.next(open())
    leader.next(reply('1-0'))
    await settle()
    for (const t of tabs) expect(t.ids()).toEqual(['1-0'])
    const late = b.tab(4)
    await settle()
    expect(late.seen.map((s) => (s.type === 'connection' ? s.connection.state : s.type))).toEqual([
      'connecting',
      'open',
    ])
    leader.next(reply('2-0'))
    await settle()
    expect(late.ids()).toEqual(['2-0'])
    expect(b.streams).toHaveLength(1)
  })

  it('hands over when the leader tab closes: the next tab opens its own stream, the others keep receiving', async () => {
    const b = browser()
    const [first, second, third] = [b.tab(1), b.tab(2), b.tab(3)]
    await settle()
    b.streams[0]!.source.next(open())
    b.streams[0]!.source.next(reply('1-0'))
    await settle()
    first.sub.unsubscribe()
    await settle()
    expect(b.streams[0]!.closed).toBe(true)
    expect(b.live().map((s) => s.tab)).toEqual([2])
    b.live()[0]!.source.next(open())
    b.live()[0]!.source.next(reply('2-0'))
    await settle()
    expect(second.ids()).toEqual(['1-0', '2-0'])
    expect(third.ids()).toEqual(['1-0', '2-0'])
  })

  it('a frozen leader hands over and queues up again', async () => {
    const b = browser()
    const [first, second] = [b.tab(1), b.tab(2)]
    await settle()
    first.lifecycle.dispatchEvent(new Event('freeze'))
    await settle()
    expect(b.live().map((s) => s.tab)).toEqual([2])
    b.live()[0]!.source.next(reply('3-0'))
    await settle()
    expect(first.ids()).toEqual(['3-0'])
    second.sub.unsubscribe()
    await settle()
    expect(b.live().map((s) => s.tab)).toEqual([1])
  })

  it('a tab that stops watching before it led never opens a stream', async () => {
    const b = browser()
    const first = b.tab(1)
    const second = b.tab(2)
    await settle()
    second.sub.unsubscribe()
    first.sub.unsubscribe()
    await settle()
    expect(b.streams.map((s) => s.tab)).toEqual([1])
    expect(b.live()).toEqual([])
  })
})
