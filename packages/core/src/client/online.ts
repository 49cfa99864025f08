import { BehaviorSubject, Observable } from 'rxjs'
import { selectDistinct } from './observables.js'

/**
 * Whether the network is up: the browser's `online`/`offline` events where they exist, else always true.
 *
 * @example
 * defaultOnline$().subscribe((up) => console.log(up ? 'online' : 'offline'))
 */
export function defaultOnline$(): Observable<boolean> {
  const win = globalThis as {
    addEventListener?: Window['addEventListener']
    navigator?: { onLine?: boolean }
  }
  if (typeof win.addEventListener !== 'function' || typeof win.navigator?.onLine !== 'boolean') {
    return new BehaviorSubject(true).asObservable()
  }
  return new Observable<boolean>((subscriber) => {
    const up = () => subscriber.next(true)
    const down = () => subscriber.next(false)
    subscriber.next(win.navigator?.onLine !== false)
    win.addEventListener?.('online', up)
    win.addEventListener?.('offline', down)
    return () => {
      globalThis.removeEventListener('online', up)
      globalThis.removeEventListener('offline', down)
    }
  }).pipe(selectDistinct((up) => up))
}
