import type { ReactiveController, ReactiveControllerHost } from 'lit'

/** What the location controller tells its element. */
export interface LocationCallbacks {
  /** The visitor's position, rounded to 6 decimals (about 10 cm). */
  onPosition: (lat: number, long: number) => void
  /** A notice for the visitor: the reason there is no position, or `''` when asking. */
  onNotice: (notice: 'unavailable' | 'denied' | '') => void
}

/**
 * Asks the browser for the visitor's position (only from something the visitor did: a location button or
 * quick reply) and hands it on, or says why there is none. An answer that comes after the element left the
 * page is dropped.
 *
 * @example
 * readonly #location = new LocationController(this, { onPosition: (lat, long) => send(lat, long), onNotice })
 * html`<button @click=${this.#location.share}>`
 */
export class LocationController implements ReactiveController {
  readonly #callbacks: LocationCallbacks
  #generation = 0

  constructor(host: ReactiveControllerHost, callbacks: LocationCallbacks) {
    this.#callbacks = callbacks
    host.addController(this)
  }

  hostDisconnected(): void {
    this.#generation++
  }

  readonly share = (): void => {
    const { onPosition, onNotice } = this.#callbacks
    if (!('geolocation' in navigator)) {
      onNotice('unavailable')
      return
    }
    onNotice('')
    const generation = this.#generation
    navigator.geolocation.getCurrentPosition(
      ({ coords }) => {
        if (generation !== this.#generation) return
        onPosition(Number(coords.latitude.toFixed(6)), Number(coords.longitude.toFixed(6)))
      },
      (error) => {
        if (generation !== this.#generation) return
        onNotice(error.code === error.PERMISSION_DENIED ? 'denied' : 'unavailable')
      },
      { enableHighAccuracy: false, timeout: 15_000, maximumAge: 60_000 },
    )
  }
}
