/// <reference types="mocha" />
import { expect, fixture, html } from '@open-wc/testing'
import { BehaviorSubject, NEVER, of } from 'rxjs'
import type { OperatorChat, ThreadSummary } from '@flowchat/core'
import './operator-console.js'

/** A stand-in operator client: the thread list is a subject the test drives; reads are recorded. */
function fakeOperator() {
  const threads$ = new BehaviorSubject<readonly ThreadSummary[]>([])
  const read: string[] = []
  const handle = {
    messages$: of([]),
    botStatus$: of({ state: 'active' }),
    connection$: of({ state: 'open' }),
    events$: NEVER,
  }
  const client = {
    threads$,
    connection$: of({ state: 'open' }),
    businessHours: () => Promise.resolve([]),
    thread: () => handle,
    operator: {
      triggerEvents: () => Promise.resolve([]),
      status: () => Promise.resolve({ threadId: 't1', isPaused: false }),
      markRead: (threadId: string) => {
        read.push(threadId)
        threads$.next(threads$.value.map((t) => (t.threadId === threadId ? { ...t, unread: 0 } : t)))
      },
    },
  } as unknown as OperatorChat
  return { client, threads$, read }
}

const summary = (threadId: string, unread: number): ThreadSummary => ({
  threadId,
  unread,
  botStatus: { state: 'active' },
  updatedAt: Date.now(),
})

describe('<operator-console>', () => {
  it('keeps no unread badge on the open thread when a message reaches the list after the panel', async () => {
    const fake = fakeOperator()
    const el = await fixture<HTMLElement & { selected?: string; updateComplete: Promise<boolean> }>(
      html`<operator-console .client=${fake.client}></operator-console>`,
    )
    fake.threads$.next([summary('t1', 0), summary('t2', 0)])
    el.selected = 't1'
    await el.updateComplete
    // The panel has shown the thread and is idle: nothing re-renders it when the list alone changes.
    const panel = el.shadowRoot!.querySelector('console-thread-panel') as unknown as {
      updateComplete: Promise<boolean>
    }
    for (let i = 0; i < 3; i++) {
      await panel.updateComplete
      await new Promise((r) => setTimeout(r, 0))
    }
    fake.read.length = 0
    // A new visitor message: the list counts it after the open panel already showed it.
    fake.threads$.next([summary('t1', 1), summary('t2', 2)])
    await el.updateComplete
    await el.updateComplete
    expect(fake.read).to.include('t1')
    expect(fake.threads$.value.find((t) => t.threadId === 't1')!.unread).to.eq(0)
    // Threads that are not open keep theirs.
    expect(fake.threads$.value.find((t) => t.threadId === 't2')!.unread).to.eq(2)
  })
})
