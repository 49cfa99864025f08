import type { FastifyRequest } from 'fastify'

const REDACTED = '[redacted]'

/** A path segment percent-decoded until it stops changing (`%2577` → `%77` → `w`); bad encodings kept as they are. */
function decodeSegment(segment: string): string {
  let current = segment
  for (let i = 0; i < 4 && current.includes('%'); i++) {
    let next: string
    try {
      next = decodeURIComponent(current)
    } catch {
      return current
    }
    if (next === current) break
    current = next
  }
  return current
}

/**
 * A request URL fit for logs, whatever its spelling. The query string (it may hold `access_token`) is replaced.
 * In the path, by route match: the segment after any `webhooks` segment (any case, percent-encoded or not, after
 * `//` or `..`); and by value: any segment that, percent-decoded, contains one of `secrets`. If a secret still
 * shows in the decoded path (spread over segments), the whole path is replaced.
 *
 * @example
 * redactUrl('//Webhooks/s3cr3t/?x=1') // '//Webhooks/[redacted]/?[redacted]'
 * redactUrl('/v1/%73%33cr3t', ['s3cr3t']) // '/v1/[redacted]'
 */
export function redactUrl(url: string, secrets: readonly string[] = []): string {
  const q = url.indexOf('?')
  const path = q === -1 ? url : url.slice(0, q)
  const wanted = secrets.filter((s) => s.length > 0)
  const segments = path.split('/')
  let afterWebhooks = false
  const redacted = segments.map((segment) => {
    const decoded = decodeSegment(segment)
    const hide = afterWebhooks || wanted.some((s) => decoded.includes(s))
    afterWebhooks = decoded.toLowerCase() === 'webhooks'
    return hide ? REDACTED : segment
  })
  let redactedPath = redacted.join('/')
  const whole = decodeSegment(redactedPath)
  if (wanted.some((s) => whole.includes(s))) redactedPath = `/${REDACTED}`
  return q === -1 ? redactedPath : `${redactedPath}?${REDACTED}`
}

function requestSerializer(secrets: readonly string[]) {
  return (request: FastifyRequest) => ({
    method: request.method,
    url: redactUrl(request.url, secrets),
    remoteAddress: request.ip,
  })
}

/** Fastify logger serializers: request lines without query strings, webhook secrets or headers. */
export const logSerializers = { req: requestSerializer([]) }

/**
 * Logger options that keep `secrets` out of every log line: request URLs redacted by route match and by value
 * (`redactUrl`), and, as a last guard for anything else that quotes a URL (an error message), each line scrubbed
 * of the secrets' values in plain and percent-encoded form before it is written.
 *
 * @example
 * Fastify({ logger: { level: 'info', ...logRedaction([webhookSecret]) } })
 */
export function logRedaction(secrets: readonly string[]) {
  const wanted = secrets.filter((s) => s.length > 0)
  const spellings = [...new Set(wanted.flatMap((s) => [s, encodeURIComponent(s), percentEncodeAll(s)]))]
  return {
    serializers: { req: requestSerializer(wanted) },
    hooks: {
      streamWrite(line: string): string {
        let out = line
        for (const s of spellings) if (out.includes(s)) out = out.replaceAll(s, REDACTED)
        return out
      },
    },
  }
}

/** Every byte percent-encoded: `ab` → `%61%62`. */
function percentEncodeAll(value: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`)
    .join('')
}
