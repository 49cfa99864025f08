import { VirtualTimeScheduler } from 'rxjs'
import { describe, expect, it } from 'vitest'
import { FlowError, FlowErrorCode } from '../errors.js'
import type { DeliverSend } from './deliver-send.js'
import { createMemoryStorage } from './memory-storage.js'
import { createOutbox } from './outbox.js'
import { createSendQueue, LOST_UPLOAD } from './send-queue.js'
import { advance, settle, stubSession } from './test-doubles.js'
import { createThreadStore } from './thread-store.js'
import type { KeyValueStorage } from './types.js'

type Delivered = { traceId: string; body: Record<string, unknown>; file: Blob | undefined }

/** One page's queue over shared storage; `deliver` answers what `answer` says, recording every attempt. */
function page(storage: KeyValueStorage, scheduler = new VirtualTimeScheduler(), owner = 'page-a') {
  const store = createThreadStore('t1', 'visitor')
  const delivered: Delivered[] = []
  let online = true
  const ctl = {
    answer: (): Error | undefined => undefined,
  }
  const deliver: DeliverSend = async (send, onProgress) => {
    await Promise.resolve()
    delivered.push({ traceId: send.traceId, body: send.body, file: send.file?.file })
    const error = ctl.answer()
    if (error) throw error
    onProgress(1)
  }
  const queue = createSendQueue({
    store,
    outbox: createOutbox({ storage, key: 'flowchat:outbox:t1', owner, now: () => scheduler.now() }),
    deliver,
    session: stubSession(),
    scheduler,
    online: {
      get value() {
        return online
      },
    },
    self: 'visitor',
    backoff: { baseMs: 100, maxMs: 1000, random: () => 1 },
  })
  /** Shows and queues a send the way the thread handle does. */
  const send = (traceId: string, text: string, file?: Blob) => {
    store.dispatch({
      type: 'send/queued',
      message: {
        id: traceId,
        traceId,
        sender: 'visitor',
        own: true,
        state: 'pending',
        createdAt: scheduler.now(),
        templates: [],
      },
    })
    queue.enqueue(traceId, { type: file ? 'media' : 'text', text, traceId }, file ? { file } : undefined)
  }
  const stateOf = (traceId: string) => store.value.messages.find((m) => m.id === traceId)
  return {
    store,
    queue,
    delivered,
    ctl,
    scheduler,
    send,
    stateOf,
    setOnline(up: boolean) {
      online = up
      if (up) queue.flush()
    },
  }
}

describe('send queue', () => {
  it('skips stored outbox entries it cannot read and sends the rest', async () => {
    const storage = createMemoryStorage()
    const good = { traceId: 'm1', body: { type: 'text', text: 'kept', traceId: 'm1' }, queuedAt: 1 }
    storage.setItem('flowchat:outbox:t1', JSON.stringify([{ traceId: 'm0', body: null, queuedAt: 0 }, good]))
    const a = page(storage)
    a.queue.flush()
    await settle()
    expect(a.delivered.map((d) => d.traceId)).toEqual(['m1'])
    expect(a.stateOf('m0')).toBeUndefined()
  })

  it('releases the body of a send as soon as it is accepted', async () => {
    const a = page(createMemoryStorage())
    a.send('m1', 'hello')
    expect(a.queue.held).toBe(1)
    await settle()
    expect(a.stateOf('m1')?.state).toBe('sent')
    expect(a.queue.held).toBe(0)
  })

  it('releases an uploaded file once accepted, and keeps a failed one only until it is retried and sent', async () => {
    const a = page(createMemoryStorage())
    a.ctl.answer = () => new FlowError(FlowErrorCode.payload_too_large, 'too big', { status: 413 })
    a.send('u1', 'photo', new Blob(['x'.repeat(1000)]))
    await settle()
    expect(a.stateOf('u1')).toMatchObject({ state: 'failed', error: 'payload_too_large: too big' })
    expect(a.queue.held).toBe(1)
    a.ctl.answer = () => undefined
    expect(a.queue.retry('u1')).toBe(true)
    await settle()
    expect(a.stateOf('u1')?.state).toBe('sent')
    expect(a.queue.held).toBe(0)
    expect(a.delivered.map((d) => d.file?.size)).toEqual([1000, 1000])
  })

  it('queues an upload made offline, in order with text sends, and delivers it when back online', async () => {
    const storage = createMemoryStorage()
    const a = page(storage)
    a.setOnline(false)
    const file = new Blob(['%PDF-1.7'])
    a.send('m1', 'before')
    a.scheduler.frame = 1
    a.send('u1', 'file', file)
    a.scheduler.frame = 2
    a.send('m2', 'after')
    await settle()
    expect(a.delivered).toEqual([])
    expect(a.stateOf('u1')?.state).toBe('pending')
    expect(a.store.value.queued).toBe(3)
    expect(storage.getItem('flowchat:outbox:t1')).toContain('"upload"')
    a.setOnline(true)
    await settle()
    expect(a.delivered.map((d) => d.traceId)).toEqual(['m1', 'u1', 'm2'])
    expect(a.delivered[1]?.file).toBe(file)
    expect(['m1', 'u1', 'm2'].map((id) => a.stateOf(id)?.state)).toEqual(['sent', 'sent', 'sent'])
    expect(a.queue.held).toBe(0)
    expect(storage.getItem('flowchat:outbox:t1')).toBeNull()
  })

  it('retries an upload after a transient failure, with a back-off', async () => {
    const a = page(createMemoryStorage())
    const answers = [new FlowError(FlowErrorCode.network, 'offline'), undefined]
    a.ctl.answer = () => answers.shift()
    a.send('u1', 'file', new Blob(['abc']))
    await settle()
    expect(a.delivered).toHaveLength(1)
    expect(a.stateOf('u1')?.state).toBe('pending')
    await advance(a.scheduler, 100)
    expect(a.delivered).toHaveLength(2)
    expect(a.stateOf('u1')?.state).toBe('sent')
  })

  it('another live page shows a waiting upload as pending and never sends or fails it', async () => {
    const storage = createMemoryStorage()
    const scheduler = new VirtualTimeScheduler()
    const a = page(storage, scheduler, 'page-a')
    a.setOnline(false)
    a.send('u1', 'file', new Blob(['abc']))
    await advance(scheduler, 120_000) // page a renews its lease while it lives
    const b = page(storage, scheduler, 'page-b')
    expect(b.stateOf('u1')?.state).toBe('pending')
    b.queue.flush()
    await settle()
    expect(b.delivered).toEqual([])
    expect(b.stateOf('u1')?.state).toBe('pending')
    a.setOnline(true)
    await settle()
    expect(a.delivered.map((d) => d.traceId)).toEqual(['u1'])
  })

  it('a reload fails an upload whose file was lost with its page, explicitly, instead of leaving it pending', async () => {
    const storage = createMemoryStorage()
    const scheduler = new VirtualTimeScheduler()
    const a = page(storage, scheduler, 'page-a')
    a.setOnline(false)
    a.send('u1', 'file', new Blob(['abc']))
    a.send('m1', 'text survives')
    a.queue.close() // the page goes away: nothing renews its lease any more
    await advance(scheduler, 31_000)
    const reloaded = page(storage, scheduler, 'page-a2')
    expect(reloaded.stateOf('u1')).toMatchObject({ state: 'failed', error: LOST_UPLOAD })
    expect(reloaded.stateOf('m1')?.state).toBe('pending')
    reloaded.queue.flush()
    await settle()
    expect(reloaded.delivered.map((d) => d.traceId)).toEqual(['m1'])
  })
})
