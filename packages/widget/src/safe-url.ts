/** URL schemes a link may carry. Everything else (`javascript:`, `data:`, `vbscript:`, `file:`, …) is dropped. */
const LINK_SCHEMES = new Set(['http:', 'https:', 'mailto:', 'tel:'])
/** Schemes an `<img>`, `<video>` or `<audio>` may load. `blob:` covers local previews of own uploads. */
const SOURCE_SCHEMES = new Set(['http:', 'https:', 'blob:'])

/** A phone number a dialler takes: an optional `+`, then 3 to 15 digits (E.164), separators aside. */
const PHONE = /^\+?\d{3,15}$/

function check(raw: unknown, schemes: Set<string>): string | undefined {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 4096) return undefined
  let url: URL
  let tel: string | undefined
  try {
    // Parsing (not pattern matching) is what the browser does too: `java\tscript:` and ` javascript:` both
    // normalise to `javascript:` here, and the normalised href is what gets rendered. No base URL: only an
    // absolute URL parses, so `//evil.example/x` or `javascript&colon;x` never become links to anywhere.
    url = new URL(raw.trim())
    if (url.protocol === 'tel:') tel = telUrl(decodeURIComponent(url.pathname))
  } catch {
    return undefined
  }
  if (!schemes.has(url.protocol)) return undefined
  return url.protocol === 'tel:' ? tel : url.href
}

/**
 * The URL a bot sent, if it is safe to render as a link: an absolute http(s), mailto, or tel URL with a valid
 * number. Returns the normalised href, or `undefined` for anything else (relative URLs included).
 *
 * @example
 * safeLinkUrl('https://flow.ai')        // 'https://flow.ai/'
 * safeLinkUrl('javascript:alert(1)')    // undefined
 */
export function safeLinkUrl(raw: unknown): string | undefined {
  return check(raw, LINK_SCHEMES)
}

/**
 * The URL a bot sent, if it is safe as the source of an image, video or audio element: absolute http(s) or blob.
 *
 * @example
 * safeSourceUrl('https://example.com/a.png') // 'https://example.com/a.png'
 * safeSourceUrl('data:image/svg+xml,…')      // undefined
 */
export function safeSourceUrl(raw: unknown): string | undefined {
  return check(raw, SOURCE_SCHEMES)
}

/**
 * A `tel:` link for a phone number written with the usual separators (spaces, dots, dashes, parentheses), or
 * `undefined` when it is not one: anything else in it (`call 27 now`, `javascript:`) refuses the whole value.
 *
 * @example
 * telUrl('+31 (20) 123-4567') // 'tel:+31201234567'
 * telUrl('junk 27')           // undefined
 */
export function telUrl(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length > 64 || /[^\d+\s().\-/]/.test(raw)) return undefined
  const number = raw.replace(/[\s().\-/]/g, '')
  return PHONE.test(number) ? `tel:${number}` : undefined
}

/**
 * A map link for a coordinate pair, or `undefined` when either is not a number in range.
 *
 * @example
 * mapUrl('52.3676', '4.9041') // 'https://www.openstreetmap.org/?mlat=52.3676&mlon=4.9041#map=16/52.3676/4.9041'
 */
export function mapUrl(lat: unknown, long: unknown): string | undefined {
  const la = Number(lat)
  const lo = Number(long)
  if (typeof lat !== 'string' && typeof lat !== 'number') return undefined
  if (typeof long !== 'string' && typeof long !== 'number') return undefined
  if (!Number.isFinite(la) || !Number.isFinite(lo) || Math.abs(la) > 90 || Math.abs(lo) > 180)
    return undefined
  return `https://www.openstreetmap.org/?mlat=${la}&mlon=${lo}#map=16/${la}/${lo}`
}
