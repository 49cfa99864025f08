import type { FastifyRequest } from 'fastify'

const REDACTED = '[redacted]'

/** The text as a string of its UTF-8 bytes, one character each, so that decoded escapes compare byte for byte. */
const bytesOf = (text: string): string => Buffer.from(text, 'utf8').toString('latin1')

/**
 * A path segment as bytes, each valid `%XX` (either case) decoded and a bad escape (`%zz`, a lone `%`) kept as it
 * is, until it stops changing (`%2577` → `%77` → `w`). Unlike `decodeURIComponent`, one bad escape anywhere does not
 * leave the rest undecoded. Compare it with `bytesOf(secret)`.
 */
function decodeSegment(segment: string): string {
  let current = bytesOf(segment)
  for (let i = 0; i < 4 && current.includes('%'); i++) {
    const next = current.replaceAll(/%([0-9a-fA-F]{2})/g, (_, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    )
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
  const wanted = secrets.filter((s) => s.length > 0).map(bytesOf)
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
 * of the secrets' values in any spelling: each character plain or percent-encoded, once or more (`%2577`), hex
 * digits in either case.
 *
 * @example
 * Fastify({ logger: { level: 'info', ...logRedaction([webhookSecret]) } })
 */
export function logRedaction(secrets: readonly string[]) {
  const wanted = secrets.filter((s) => s.length > 0)
  const spellings = wanted.map((s) => anySpelling(s))
  return {
    serializers: { req: requestSerializer(wanted) },
    hooks: {
      streamWrite(line: string): string {
        let out = line
        for (const spelling of spellings) out = out.replaceAll(spelling, REDACTED)
        return out
      },
    },
  }
}

/** Levels of percent-encoding the scrub reads through (`%2577`, `%25%37%37`). */
const SPELLING_DEPTH = 3

/**
 * A pattern matching `value` whatever the spelling of each of its characters: as is, or each of its UTF-8 bytes as
 * `%XX` (hex digits in either case), where the `%` and each digit may themselves be spelled either way, up to
 * `SPELLING_DEPTH` levels deep.
 *
 * @example
 * anySpelling('ab').test('%61%25%36%32') // true
 */
function anySpelling(value: string): RegExp {
  return new RegExp([...value].map((char) => spelling(char, SPELLING_DEPTH)).join(''), 'g')
}

/** The pattern of one character spelled up to `depth` levels of percent-encoding. */
function spelling(char: string, depth: number): string {
  const plain = char.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')
  if (depth === 0) return plain
  const digit = (d: string) =>
    /[a-f]/.test(d)
      ? `(?:${spelling(d, depth - 1)}|${spelling(d.toUpperCase(), depth - 1)})`
      : spelling(d, depth - 1)
  const bytes = [...Buffer.from(char, 'utf8')]
    .map((byte) => {
      const [high, low] = byte.toString(16).padStart(2, '0')
      return `${spelling('%', depth - 1)}${digit(high!)}${digit(low!)}`
    })
    .join('')
  return `(?:${plain}|${bytes})`
}
