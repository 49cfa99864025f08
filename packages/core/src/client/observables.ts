import {
  Observable,
  Subject,
  type MonoTypeOperatorFunction,
  type OperatorFunction,
  type Subscription,
} from 'rxjs'

// The few RxJS pieces the client builds from `Observable` itself. RxJS's `merge`, `defer`, `share` and
// `takeUntil` accept any observable input (promises, iterables, async iterables, streams), and the code that
// converts those costs a visitor's bundle about 1.5 KB gzip; the client only ever passes observables. The
// operators (`map`, `filter`, `distinctUntilChanged`, `takeWhile`) share RxJS's operator machinery, which
// `selectDistinct` does without (0.2 KB gzip).

/**
 * `source`, with `keepOpen$` (a stream whose values are ignored) subscribed first and for as long: what
 * `merge(keepOpen$, source)` does for these two.
 *
 * @example
 * alongside(connection$, state$) // the state, while the connection stays open
 */
export function alongside<T>(keepOpen$: Observable<never>, source: Observable<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const subscription = keepOpen$.subscribe({ error: (error: unknown) => subscriber.error(error) })
    subscription.add(source.subscribe(subscriber))
    return subscription
  })
}

/**
 * One subscription of the source shared by every subscriber: the first starts it, the last to leave ends it,
 * and the next one starts it again. What `share({ resetOnRefCountZero: true })` does.
 *
 * @example
 * const stream$ = connect$.pipe(refCounted())
 */
export function refCounted<T>(): MonoTypeOperatorFunction<T> {
  return (source) => {
    let subject: Subject<T> | undefined
    let connection: Subscription | undefined
    let count = 0
    const reset = () => {
      const current = connection
      subject = undefined
      connection = undefined
      current?.unsubscribe()
    }
    return new Observable<T>((subscriber) => {
      count++
      const shared = (subject ??= new Subject<T>())
      const inner = shared.subscribe(subscriber)
      if (!connection) {
        connection = source.subscribe({
          next: (value) => shared.next(value),
          error: (error: unknown) => {
            if (subject === shared) reset()
            shared.error(error)
          },
          complete: () => {
            if (subject === shared) reset()
            shared.complete()
          },
        })
        // It may have ended while subscribing.
        if (subject !== shared) connection.unsubscribe()
      }
      return () => {
        inner.unsubscribe()
        count--
        if (count === 0 && subject === shared) reset()
      }
    })
  }
}

/**
 * Mirrors the source until `closed$` is true, then completes; a subscriber that comes later completes at once.
 * What `takeUntil` does, plus the late subscriber.
 *
 * @example
 * state$.pipe(until(closed$)) // closed$: a BehaviorSubject<boolean>
 */
export function until<T>(closed$: Observable<boolean>): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      const subscription = closed$.subscribe((closed) => {
        if (closed) subscriber.complete()
      })
      if (!subscriber.closed) subscription.add(source.subscribe(subscriber))
      return subscription
    })
}

/**
 * Each value mapped by `select`, leaving out `undefined` and repeats of the value before it: what `map(select)`,
 * `filter((v) => v !== undefined)` and `distinctUntilChanged()` do together. With `isLast`, it completes right
 * after the first value for which `isLast` is true (what `takeWhile((v) => !isLast(v), true)` adds).
 *
 * @example
 * state$.pipe(selectDistinct((s) => s.connection)) // each new connection object
 * state$.pipe(selectDistinct((s) => stateOf(s, id), (state) => state === 'delivered'))
 */
export function selectDistinct<T, R>(
  select: (value: T) => R | undefined,
  isLast?: (value: R) => boolean,
): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      let previous: { value: R } | undefined
      return source.subscribe({
        next: (value) => {
          const next = select(value)
          if (next === undefined || (previous && previous.value === next)) return
          previous = { value: next }
          subscriber.next(next)
          if (isLast?.(next)) subscriber.complete()
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      })
    })
}
