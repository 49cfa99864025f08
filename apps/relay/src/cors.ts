import fastifyCors from '@fastify/cors'
import type { FastifyInstance } from 'fastify'

/** Answer headers a browser page may read: the back-off hint and the rate-limit fields. */
const EXPOSED = ['Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset']

/**
 * CORS by `@fastify/cors` for the listed origins (`*` for any); other origins get no `Access-Control-Allow-Origin`,
 * so browsers block them, and every answer carries `Vary: Origin` (caches keep the two apart). A preflight may ask
 * for any request header (tracing's `traceparent`, `baggage`, …): the asked-for headers are allowed. With no
 * origins, nothing is registered: same origin only. Webhook routes opt out (`config: { cors: false }`): Flow.ai
 * calls them server to server.
 *
 * @example
 * await registerCors(app, ['https://shop.example'])
 */
export async function registerCors(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  if (origins.length === 0) return
  const any = origins.includes('*')
  const allowed = new Set(origins)
  await app.register(fastifyCors, {
    origin: any
      ? '*'
      : (origin: string | undefined, callback: (error: Error | null, allow: boolean) => void) =>
          callback(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'POST', 'DELETE'],
    // allowedHeaders left unset: the preflight's Access-Control-Request-Headers are reflected (and varied on).
    exposedHeaders: EXPOSED,
    maxAge: 600,
    strictPreflight: true,
  })
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `false`: `@fastify/cors` adds no CORS headers to this route's answers (it reads this, its types do not say so). */
    cors?: false
  }
}
