const REDACTED = '[redacted]'

/** A path segment that reads like a generated secret: 16 or more URL-safe characters, at least one a digit. */
const SECRET_LIKE = /^(?=.*\d)[\w%~.-]{16,}$/

/**
 * A webhook URL fit for logs and the start-up lines. A webhook URL is often the receiver's only credential (the
 * relay's is `/webhooks/<secret>`), so: user and password are dropped, the query is replaced, and in the path the
 * segment after a `webhooks` segment and any segment that reads like a generated secret are replaced. What is
 * left (origin and the plain path) is enough to tell webhooks apart.
 *
 * @example
 * webhookLabel('http://127.0.0.1:8788/webhooks/3f9ac2e17b5d4e0a9c8b7a6f') // 'http://127.0.0.1:8788/webhooks/[redacted]'
 * webhookLabel('https://u:p@example.com/hook?token=x') // 'https://example.com/hook?[redacted]'
 */
export function webhookLabel(url: string): string {
  if (!URL.canParse(url)) return REDACTED
  const parsed = new URL(url)
  let afterWebhooks = false
  const path = parsed.pathname
    .split('/')
    .map((segment) => {
      const hide = afterWebhooks || SECRET_LIKE.test(segment)
      afterWebhooks = segment.toLowerCase() === 'webhooks'
      return hide ? REDACTED : segment
    })
    .join('/')
  return `${parsed.origin}${path}${parsed.search === '' ? '' : `?${REDACTED}`}`
}
