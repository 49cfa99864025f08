import { BehaviorSubject, Observable, Subject } from 'rxjs'
import { describe, expect, it } from 'vitest'
import { alongside, refCounted, selectDistinct, until } from './observables.js'

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

describe('selectDistinct', () => {
  it('maps each value, leaving out undefined and repeats of the value before', () => {
    const source = new Subject<{ n?: number }>()
    const seen: number[] = []
    source.pipe(selectDistinct((v) => v.n)).subscribe((n) => seen.push(n))
    for (const n of [1, 1, undefined, 1, 2, 2, 1]) source.next({ n })
    expect(seen).toEqual([1, 2, 1])
  })

  it('with isLast, completes right after the first last value and lets go of the source', () => {
    const states = new Subject<string>()
    const seen: string[] = []
    let completed = false
    states
      .pipe(
        selectDistinct(
          (s) => s,
          (s) => s === 'delivered',
        ),
      )
      .subscribe({ next: (s) => seen.push(s), complete: () => (completed = true) })
    for (const s of ['pending', 'sent', 'delivered', 'failed']) states.next(s)
    expect(seen).toEqual(['pending', 'sent', 'delivered'])
    expect(completed).toBe(true)
    expect(states.observed).toBe(false)
  })

  it('completes at once when the current value is already the last', () => {
    const { counts, observable } = counted(new BehaviorSubject('delivered'))
    const seen: string[] = []
    observable
      .pipe(
        selectDistinct(
          (s) => s,
          (s) => s === 'delivered',
        ),
      )
      .subscribe((s) => seen.push(s))
    expect(seen).toEqual(['delivered'])
    expect(counts.open).toBe(0)
  })

  it('passes errors and completion through', () => {
    const source = new Subject<number>()
    const events: string[] = []
    source.pipe(selectDistinct((n) => n)).subscribe({ error: (e) => events.push(`error ${String(e)}`) })
    source.error('boom')
    const done = new Subject<number>()
    done.pipe(selectDistinct((n) => n)).subscribe({ complete: () => events.push('complete') })
    done.complete()
    expect(events).toEqual(['error boom', 'complete'])
  })
})
