/** URL schemes a link may carry. Everything else (`javascript:`, `data:`, `vbscript:`, `file:`, …) is dropped. */
const LINK_SCHEMES = new Set(['http:', 'https:', 'mailto:', 'tel:'])
/** Schemes an `<img>`, `<video>` or `<audio>` may load. `blob:` covers local previews of own uploads. */
const SOURCE_SCHEMES = new Set(['http:', 'https:', 'blob:'])

function base(): string {
  return typeof document === 'undefined' ? 'http://localhost/' : document.baseURI
}

function check(raw: unknown, schemes: Set<string>): string | undefined {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 4096) return undefined
  let url: URL
  try {
    // Parsing (not pattern matching) is what the browser does too: `java\tscript:` and ` javascript:` both
    // normalise to `javascript:` here, and the normalised href is what gets rendered.
    url = new URL(raw.trim(), base())
  } catch {
    return undefined
  }
  return schemes.has(url.protocol) ? url.href : undefined
}

/**
 * The URL a bot sent, if it is safe to render as a link: http(s), mailto or tel, absolute or relative to the
 * page. Returns the normalised href, or `undefined` for anything else.
 *
 * @example
 * safeLinkUrl('https://flow.ai')        // 'https://flow.ai/'
 * safeLinkUrl('javascript:alert(1)')    // undefined
 */
export function safeLinkUrl(raw: unknown): string | undefined {
  return check(raw, LINK_SCHEMES)
}

/**
 * The URL a bot sent, if it is safe as the source of an image, video or audio element: http(s) or blob.
 *
 * @example
 * safeSourceUrl('https://example.com/a.png') // 'https://example.com/a.png'
 * safeSourceUrl('data:image/svg+xml,…')      // undefined
 */
export function safeSourceUrl(raw: unknown): string | undefined {
  return check(raw, SOURCE_SCHEMES)
}

/**
 * A `tel:` link for a phone number, keeping only the characters a dialler understands.
 *
 * @example
 * telUrl('+31 (20) 123-4567') // 'tel:+31201234567'
 */
export function telUrl(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined
  const digits = raw.replace(/[^\d+*#]/g, '')
  return /\d/.test(digits) ? `tel:${digits}` : undefined
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
