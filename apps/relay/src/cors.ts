import type { FastifyInstance } from 'fastify'

/**
 * Answers CORS for the listed origins (`*` for any); other origins get no CORS headers, so browsers block them.
 * Preflight requests are answered here, before routing.
 *
 * @example
 * registerCors(app, ['https://shop.example'])
 */
export function registerCors(app: FastifyInstance, origins: readonly string[]): void {
  if (origins.length === 0) return
  const any = origins.includes('*')
  const allowed = new Set(origins)
  app.addHook('onRequest', (request, reply, done) => {
    const origin = request.headers.origin
    if (typeof origin !== 'string' || !(any || allowed.has(origin))) return done()
    reply.header('Access-Control-Allow-Origin', any ? '*' : origin)
    if (!any) reply.header('Vary', 'Origin')
    reply.header('Access-Control-Expose-Headers', 'Retry-After')
    if (request.method === 'OPTIONS') {
      reply
        .header('Access-Control-Allow-Methods', 'GET, POST, DELETE, OPTIONS')
        .header('Access-Control-Allow-Headers', 'Authorization, Content-Type, Last-Event-ID')
        .header('Access-Control-Max-Age', '600')
        .code(204)
        .send()
      return
    }
    done()
  })
}
