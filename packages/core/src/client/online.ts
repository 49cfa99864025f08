import { BehaviorSubject, Observable } from 'rxjs'
import { selectDistinct } from './observables.js'

/**
 * Whether the network is up: the browser's `online`/`offline` events where they exist, else always true.
 *
 * @example
 * defaultOnline$().subscribe((up) => console.log(up ? 'online' : 'offline'))
 */
export function defaultOnline$(): Observable<boolean> {
  // The window's, where there is one (not in Node); then they are the global functions used below.
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
    addEventListener('online', up)
    addEventListener('offline', down)
    return () => {
      removeEventListener('online', up)
      removeEventListener('offline', down)
    }
  }).pipe(selectDistinct((up) => up))
}
