import { BehaviorSubject, Observable, Subject } from 'rxjs'
import { describe, expect, it } from 'vitest'
import { alongside, refCounted, until } from './observables.js'

/** An observable that counts its subscriptions and how many are open. */
function counted<T>(source: Observable<T>) {
  const counts = { started: 0, open: 0 }
  const observable = new Observable<T>((subscriber) => {
    counts.started++
    counts.open++
    const subscription = source.subscribe(subscriber)
    return () => {
      counts.open--
      subscription.unsubscribe()
    }
  })
  return { counts, observable }
}

describe('refCounted', () => {
  it('shares one subscription, ends it with the last subscriber and starts again with the next', () => {
    const source = new Subject<number>()
    const { counts, observable } = counted(source)
    const shared = observable.pipe(refCounted())
    const a: number[] = []
    const b: number[] = []
    const subA = shared.subscribe((v) => a.push(v))
    const subB = shared.subscribe((v) => b.push(v))
    source.next(1)
    expect(counts).toEqual({ started: 1, open: 1 })
    expect([a, b]).toEqual([[1], [1]])
    subA.unsubscribe()
    expect(counts.open).toBe(1)
    subB.unsubscribe()
    expect(counts.open).toBe(0)
    shared.subscribe().unsubscribe()
    expect(counts.started).toBe(2)
  })

  it('passes an error to every subscriber and starts afresh after it', () => {
    const source = new Subject<number>()
    const { counts, observable } = counted(source)
    const shared = observable.pipe(refCounted())
    const errors: unknown[] = []
    shared.subscribe({ error: (e: unknown) => errors.push(e) })
    shared.subscribe({ error: (e: unknown) => errors.push(e) })
    source.error('boom')
    expect(errors).toEqual(['boom', 'boom'])
    const fresh = new Subject<number>()
    const again = counted(fresh)
    const values: number[] = []
    again.observable.pipe(refCounted()).subscribe((v) => values.push(v))
    fresh.next(2)
    expect(values).toEqual([2])
    expect(counts.open).toBe(0)
  })
})

describe('alongside', () => {
  it('keeps the other stream open exactly while subscribed and passes its error on', () => {
    const keep = new Subject<never>()
    const { counts, observable } = counted(keep)
    const values = new BehaviorSubject(1)
    const seen: number[] = []
    const errors: unknown[] = []
    const sub = alongside(observable, values).subscribe({
      next: (v) => seen.push(v),
      error: (e: unknown) => errors.push(e),
    })
    expect(counts.open).toBe(1)
    values.next(2)
    expect(seen).toEqual([1, 2])
    alongside(observable, values).subscribe().unsubscribe()
    expect(counts).toEqual({ started: 2, open: 1 })
    keep.error('lost')
    expect(errors).toEqual(['lost'])
    expect([sub.closed, counts.open]).toEqual([true, 0])
  })
})

describe('until', () => {
  it('completes when closed, and at once for a later subscriber without subscribing the source', () => {
    const closed$ = new BehaviorSubject(false)
    const { counts, observable } = counted(new Subject<number>())
    let completed = 0
    observable.pipe(until(closed$)).subscribe({ complete: () => completed++ })
    expect(counts.open).toBe(1)
    closed$.next(true)
    expect([completed, counts.open]).toEqual([1, 0])
    observable.pipe(until(closed$)).subscribe({ complete: () => completed++ })
    expect([completed, counts.started]).toEqual([2, 1])
  })
})
