import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { timerScheduler } from './timer-scheduler.js'

describe('timerScheduler: the client default, one setTimeout per task', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000 }))
  afterEach(() => vi.useRealTimers())

  it('tells the time with Date.now', () => {
    expect(timerScheduler.now()).toBe(1_000)
    vi.advanceTimersByTime(250)
    expect(timerScheduler.now()).toBe(1_250)
  })

  it('runs a task after its delay, with its state, once', () => {
    const work = vi.fn()
    timerScheduler.schedule(work, 100, 'state')
    vi.advanceTimersByTime(99)
    expect(work).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(work).toHaveBeenCalledExactlyOnceWith('state')
    vi.advanceTimersByTime(1_000)
    expect(work).toHaveBeenCalledOnce()
  })

  it('never runs a task unsubscribed before its time', () => {
    const work = vi.fn()
    timerScheduler.schedule(work, 100).unsubscribe()
    vi.advanceTimersByTime(1_000)
    expect(work).not.toHaveBeenCalled()
  })

  it('lets a task schedule itself again through `this`, until unsubscribed', () => {
    const seen: number[] = []
    const sub = timerScheduler.schedule<number>(
      function (n = 0) {
        seen.push(n)
        this.schedule(n + 1, 10)
      },
      0,
      0,
    )
    vi.advanceTimersByTime(25)
    expect(seen).toEqual([0, 1, 2])
    sub.unsubscribe()
    vi.advanceTimersByTime(100)
    expect(seen).toEqual([0, 1, 2])
  })
})
