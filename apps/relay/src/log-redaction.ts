import type { FastifyRequest } from 'fastify'

/**
 * A request URL fit for logs: the query string (it may hold `access_token`) and the webhook secret are replaced.
 *
 * @example
 * redactUrl('/webhooks/s3cr3t?x=1') // '/webhooks/[redacted]?[redacted]'
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?')
  const path = q === -1 ? url : url.slice(0, q)
  const redactedPath = path.replace(/^\/webhooks\/[^/]*/, '/webhooks/[redacted]')
  return q === -1 ? redactedPath : `${redactedPath}?[redacted]`
}

/** Fastify logger serializers: request lines without query strings, secrets or headers. */
export const logSerializers = {
  req(request: FastifyRequest) {
    return {
      method: request.method,
      url: redactUrl(request.url),
      remoteAddress: request.ip,
    }
  },
}
