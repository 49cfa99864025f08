import { Subscription, type SchedulerAction, type SchedulerLike } from 'rxjs'

/**
 * The client's default scheduler: `Date.now` and one `setTimeout` per scheduled task, which is all the client
 * asks of a scheduler (timers for retries, refreshes and stall checks). RxJS's `asyncScheduler` does the same
 * through its action and interval machinery, about 0.4 KB gzip more in the widget's bundle. Tests still pass
 * a `VirtualTimeScheduler` or `TestScheduler` through the `scheduler` option.
 *
 * @example
 * const sub = timerScheduler.schedule(() => console.log('later'), 1000)
 * sub.unsubscribe() // cancelled
 */
export const timerScheduler: SchedulerLike = {
  now: () => Date.now(),
  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
    let timer: ReturnType<typeof setTimeout> | undefined
    const action = Object.assign(new Subscription(() => clearTimeout(timer)), {
      schedule(next = state, nextDelay = 0) {
        clearTimeout(timer)
        // As RxJS's actions: once unsubscribed, an action never runs again.
        if (!action.closed) timer = setTimeout(() => work.call(action, next), nextDelay)
        return action
      },
    }) as SchedulerAction<T>
    return action.schedule(state, delay)
  },
}
