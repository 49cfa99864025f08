const formatters = new Map<string, Intl.DateTimeFormat>()

/**
 * Formats a time in a locale, with one `Intl.DateTimeFormat` per locale and options for the page's life
 * (making one costs far more than using it). A locale the browser rejects gives the ISO time.
 *
 * @example
 * formatDate('nl', Date.now(), { hour: '2-digit', minute: '2-digit' }) // '14:05'
 */
export function formatDate(locale: string, epochMs: number, options: Intl.DateTimeFormatOptions): string {
  const key = `${locale}|${JSON.stringify(options)}`
  try {
    let formatter = formatters.get(key)
    if (!formatter) {
      formatter = new Intl.DateTimeFormat(locale, options)
      formatters.set(key, formatter)
    }
    return formatter.format(epochMs)
  } catch {
    return new Date(epochMs).toISOString()
  }
}
