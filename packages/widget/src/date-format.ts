import { withLocale } from './strings.js'

const formatters = new Map<string, Intl.DateTimeFormat>()

/**
 * Formats a time in a locale, with one `Intl.DateTimeFormat` per locale and options for the page's life
 * (making one costs far more than using it). A locale the browser rejects formats as its default locale does,
 * with the same options; a time that is not one (NaN, or beyond `Date`'s range) gives `''`, never a throw.
 *
 * @example
 * formatDate('nl', Date.now(), { hour: '2-digit', minute: '2-digit' }) // '14:05'
 */
export function formatDate(locale: string, epochMs: number, options: Intl.DateTimeFormatOptions): string {
  const key = `${locale}|${JSON.stringify(options)}`
  let formatter = formatters.get(key)
  if (!formatter) {
    formatter = withLocale(locale, (l) => new Intl.DateTimeFormat(l, options))
    formatters.set(key, formatter)
  }
  try {
    return formatter.format(epochMs)
  } catch {
    // A relay's answer of the wrong shape (`nextChangeAt: "soon"`) must not stop the element rendering.
    return ''
  }
}
