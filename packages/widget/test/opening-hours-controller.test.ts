import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ReactiveControllerHost } from 'lit'
import type { FlowChat } from '../src/client-types.ts'
import { OpeningHoursController } from '../src/opening-hours-controller.ts'

type Answer = Awaited<ReturnType<FlowChat['opening']>>

/** A client whose `opening()` gives these answers in turn (an Error rejects), the last one repeating. */
function client(answers: (Omit<Answer, 'businessHours'> | Error)[]) {
  let calls = 0
  const chat = {
    opening: () => {
      const next = answers[Math.min(calls++, answers.length - 1)]!
      return next instanceof Error ? Promise.reject(next) : Promise.resolve({ businessHours: [], ...next })
    },
  } as unknown as FlowChat
  return { chat, calls: () => calls }
}

const host = (): ReactiveControllerHost => ({
  addController: () => undefined,
  removeController: () => undefined,
  requestUpdate: () => undefined,
  updateComplete: Promise.resolve(true),
})

describe('OpeningHoursController', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('asks again when the relay says the opening changes, waiting a second at least and a day at most', async () => {
    const relay = client([
      { open: true, nextChangeInMs: 5 },
      { open: false, nextChangeAt: '2024-01-08T08:00:00.000Z', nextChangeInMs: 10 * 86_400_000 },
    ])
    const opening = new OpeningHoursController(host())
    opening.follow(relay.chat)
    await vi.advanceTimersByTimeAsync(0)
    expect(opening.state.open).toBe(true)
    await vi.advanceTimersByTimeAsync(999)
    expect(relay.calls()).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(relay.calls()).toBe(2)
    expect(opening.state).toMatchObject({ open: false, nextChangeAt: '2024-01-08T08:00:00.000Z' })
    await vi.advanceTimersByTimeAsync(86_400_000 - 1)
    expect(relay.calls()).toBe(2)
    await vi.advanceTimersByTimeAsync(1)
    expect(relay.calls()).toBe(3)
  })

  it('tries a failed repeat again a minute later, and leaves a failed first answer at open', async () => {
    const relay = client([{ open: false, nextChangeInMs: 1000 }, new Error('offline'), { open: true }])
    const opening = new OpeningHoursController(host())
    opening.follow(relay.chat)
    await vi.advanceTimersByTimeAsync(1000)
    expect(relay.calls()).toBe(2)
    expect(opening.state.open).toBe(false)
    await vi.advanceTimersByTimeAsync(59_999)
    expect(relay.calls()).toBe(2)
    await vi.advanceTimersByTimeAsync(1)
    expect(relay.calls()).toBe(3)
    expect(opening.state.open).toBe(true)

    const down = client([new Error('offline')])
    opening.follow(down.chat)
    await vi.advanceTimersByTimeAsync(86_400_000)
    expect(down.calls()).toBe(1)
    expect(opening.state.open).toBe(true)
  })

  it('keeps one loop when it follows the same client again while the first answer is on its way', async () => {
    const relay = client([{ open: true, nextChangeInMs: 1000 }])
    const opening = new OpeningHoursController(host())
    // connect() follows the client, then the element is moved in the page (or a session property changes).
    opening.follow(relay.chat)
    opening.follow()
    opening.follow(relay.chat)
    await vi.advanceTimersByTimeAsync(0)
    expect(relay.calls()).toBe(2)
    await vi.advanceTimersByTimeAsync(5000)
    // One ask a second after the second follow; two loops would have asked ten times.
    expect(relay.calls()).toBe(7)
  })

  it('asks again a day later when the answer has no change ahead, so hours added since are seen', async () => {
    const relay = client([{ open: true }, { open: false }, { open: false, nextChangeInMs: 3_600_000 }])
    const opening = new OpeningHoursController(host())
    opening.follow(relay.chat)
    await vi.advanceTimersByTimeAsync(86_400_000 - 1)
    expect(relay.calls()).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(relay.calls()).toBe(2)
    expect(opening.state.open).toBe(false)
    await vi.advanceTimersByTimeAsync(86_400_000)
    expect(relay.calls()).toBe(3)
    await vi.advanceTimersByTimeAsync(3_600_000)
    expect(relay.calls()).toBe(4)
  })

  it('stops asking when it follows no client, and drops an answer to an older one', async () => {
    const relay = client([{ open: false, nextChangeInMs: 1000 }])
    const opening = new OpeningHoursController(host())
    opening.follow(relay.chat)
    opening.follow()
    await vi.advanceTimersByTimeAsync(86_400_000)
    expect(relay.calls()).toBe(1)
    expect(opening.state.open).toBe(true)
  })
})
