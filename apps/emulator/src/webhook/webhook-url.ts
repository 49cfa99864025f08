const REDACTED = '[redacted]'

/** A path segment that reads like a generated secret: 16 or more URL-safe characters, at least one a digit. */
const SECRET_LIKE = /^(?=.*\d)[\w%~.-]{16,}$/

/**
 * A webhook URL fit for logs and the start-up lines. A webhook URL is often the receiver's only credential (the
 * relay's is `/webhooks/<secret>`), so: user and password are dropped, the query is replaced, and in the path the
 * segment after a `webhooks` segment and any segment that reads like a generated secret are replaced. What is
 * left (origin and the plain path) is enough to tell webhooks apart. Text that is no URL gets the same path rules.
 *
 * @example
 * webhookLabel('http://127.0.0.1:8788/webhooks/3f9ac2e17b5d4e0a9c8b7a6f') // 'http://127.0.0.1:8788/webhooks/[redacted]'
 * webhookLabel('https://u:p@example.com/hook?token=x') // 'https://example.com/hook?[redacted]'
 */
export function webhookLabel(url: string): string {
  if (!URL.canParse(url)) {
    // Not a URL (a scheme left out, say): the same rules on the text as given, so an error can still quote it.
    const q = url.indexOf('?')
    return q === -1 ? hidePath(url) : `${hidePath(url.slice(0, q))}?${REDACTED}`
  }
  const parsed = new URL(url)
  return `${parsed.origin}${hidePath(parsed.pathname)}${parsed.search === '' ? '' : `?${REDACTED}`}`
}

/** The path with the segment after `webhooks` and every secret-like segment replaced. */
function hidePath(path: string): string {
  let afterWebhooks = false
  return path
    .split('/')
    .map((segment) => {
      const hide = afterWebhooks || SECRET_LIKE.test(segment)
      afterWebhooks = segment.toLowerCase() === 'webhooks'
      return hide ? REDACTED : segment
    })
    .join('/')
}

/**
 * The rule a webhook URL breaks (quote the URL with `webhookLabel`); undefined for an absolute http(s) URL. One rule
 * for the CLI's flags, `startEmulator`'s options and `addWebhook`.
 *
 * @example
 * webhookUrlProblem('ftp://example.com/hook') // 'must be an http or https URL'
 */
export function webhookUrlProblem(url: string): string | undefined {
  if (!URL.canParse(url)) return 'must be an absolute http(s) URL'
  const { protocol } = new URL(url)
  return protocol === 'http:' || protocol === 'https:' ? undefined : 'must be an http or https URL'
}
