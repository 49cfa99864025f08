import { createServer, type IncomingMessage, type ServerOptions, type ServerResponse } from 'node:http'
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify'
import type { Redis } from 'ioredis'
import { relayRoutes } from '@flowchat/core/protocol'
import { createFlowRestClient } from '@flowchat/core/rest'
import { registerCors } from './cors.js'
import { answerClientError, refuseExpectation, refuseMissingHost } from './client-errors.js'
import { createApiKeyRefusals } from './api-key-refusal.js'
import { answerError, toHttpError, unsupportedContentEncoding, unsupportedContentType } from './http-error.js'
import { assertJsonDepth, minReaderBufferBytes } from './ingest-limits.js'
import { logRedaction, redactUrl } from './log-redaction.js'
import { createMetrics } from './metrics.js'
import { createRelayRateLimits, type RateLimit } from './rate-limiter.js'
import { fastifyPath } from './register-route.js'
import type { RelayContext } from './relay-context.js'
import { serveMetricsOnPort, type MetricsServer } from './metrics-server.js'
import { validateRelayOptions } from './resolve-settings.js'
import { operationsRoutes } from './routes/operations-routes.js'
import { operatorRoutes } from './routes/operator-routes.js'
import { sessionRoutes } from './routes/session-routes.js'
import { streamRoutes } from './routes/stream-routes.js'
import { threadRoutes } from './routes/thread-routes.js'
import { webhookRoutes } from './routes/webhook-routes.js'
import { createMemoryStorage } from './storage/memory-storage.js'
import { closeRedisConnection, createRedisConnection, whenReady } from './storage/redis-connection.js'
import type { EventStorage } from './storage/types.js'
import { createStreamRegistry } from './stream-registry.js'
import { createTokenService, type TokenClaims } from './token-service.js'
import { createRequestIds, createWebhookFastPath } from './webhook-fast-path.js'
import { createWebhookIngest } from './webhook-ingest.js'
import { createStorageOutage } from './storage-outage.js'

/**
 * Options of `createRelay`. Their rules and defaults are the command line's (`RELAY_SETTINGS` in relay-settings.ts);
 * a bad value throws a `ConfigError` naming the option and the rule.
 */
export interface RelayOptions {
  /** Flow.ai's REST API. Default `https://api.flow.ai/rest/v1/`. */
  flowBaseUrl?: string
  /** The Flow.ai API key: it stays in the relay. */
  apiKey: string
  /** `raw` (`Authorization: <key>`, the current reference) or `bearer` (the older one). Default `raw`. */
  auth?: 'raw' | 'bearer'
  /** The secret path segment of the webhook URL (`/webhooks/<secret>`). */
  webhookSecret: string
  /** Signs visitor and operator tokens (HS256); at least 32 characters. */
  tokenSecret: string
  /** Default 3600. */
  tokenTtlSeconds?: number
  /** Enables `POST /v1/operator/sessions`. */
  operatorPassword?: string
  /** `POST /v1/sessions` without a token creates a thread. Default true. */
  anonymousSessions?: boolean
  /** Origins allowed by CORS; `*` for any. Default none (same origin only). */
  corsOrigins?: string[]
  /** Retention (memory storage): per stream 1000 events and 24 h; 64 MiB of events in all. */
  retention?: { maxEvents?: number; maxAgeMs?: number; maxBytes?: number }
  /** JSON and webhook bodies. Default 1 MiB. */
  bodyLimitBytes?: number
  /** Multipart uploads. Default 25 MiB (Flow.ai accepts up to 250 MB). */
  uploadLimitBytes?: number
  /** Default: memory storage with `retention`. The relay closes it on `close()`. */
  storage?: EventStorage
  /** SSE heartbeat comment interval. Default 15 000. */
  heartbeatMs?: number
  /** The `retry:` hint sent to SSE clients. Default 3000. */
  retryMs?: number
  /** Open SSE streams per token: per visitor thread (across refreshes), per operator sign-in. Default 5. */
  maxStreamsPerToken?: number
  /** Open SSE streams per client IP. Default 50. */
  maxStreamsPerIp?: number
  /**
   * Unsent bytes of an SSE reader past which it is disconnected. Default and least value: twice the largest event
   * frame (`bodyLimitBytes` + 8 KiB) + 16 KiB, so one large event never cuts readers off.
   */
  maxBufferedBytes?: number
  /** Token buckets for sends (per token, per IP) and session creation (per IP). */
  rateLimit?: { sendsPerToken?: RateLimit; sendsPerIp?: RateLimit; sessionsPerIp?: RateLimit }
  /** How long business hours are cached. Default 300 000. */
  businessHoursTtlMs?: number
  /** Fastify logger: `false` (default), `true`, or pino options (`{ level, stream }`). */
  logger?: boolean | Record<string, unknown>
  /** Default 127.0.0.1. */
  host?: string
  /** Default 0 (any free port; the CLI's default is 8788). */
  port?: number
  /** Passed to the REST client (tests, proxies). */
  fetch?: typeof fetch
  /**
   * Behind reverse proxies: how many there are in front of the relay (`true`: one, `false` or 0: none). The client
   * address (per-address limits, stream caps, logs) is then the `X-Forwarded-For` entry the outermost proxy added,
   * counted from the end; entries before it, which a client can send, are never read. Default false.
   */
  trustProxy?: boolean | number
  /**
   * Redis for state shared by relay instances (rate-limit counts): a client (not closed by the relay) or a
   * `redis://` URL (the relay connects and closes). Pass the same Redis as the storage's when running on Redis
   * storage, so N instances enforce one limit. Default: none, counts in memory.
   */
  redis?: Redis | string
  /** Prefix of the relay's own Redis keys (`<prefix>ratelimit:…`, `<prefix>streams:…`). Default `flowchat:`. */
  redisKeyPrefix?: string
  /** Serve `GET /metrics` on this port (on `host`) instead of the API port; 0 for any free one. */
  metricsPort?: number
  /** `GET /metrics` requires `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string
  /**
   * Time to receive a whole request, headers and body, from its first byte. Past it the client gets 408 and the
   * connection closes, so a client that stops sending mid-body does not hold it. SSE responses are not limited
   * (their requests are complete once the headers are in). A multipart upload must arrive within it too, so the
   * default leaves a 25 MiB upload 2 minutes (about 1.7 Mbit/s, a slow mobile link); a webhook takes milliseconds.
   * Default 120 000 (Node's own is 300 000); 0 turns the limit off.
   */
  requestTimeoutMs?: number
  /**
   * How long `close()` lets in-flight requests (webhooks, sends) finish before it cuts their connections, so a
   * platform's stop grace (Docker: 10 s) is not spent: closing storage after it takes up to 3 s more when Redis
   * hangs. Default 6000.
   */
  shutdownTimeoutMs?: number
}

export interface Relay {
  /** The Fastify instance, for `app.inject()` tests. */
  app: FastifyInstance
  /**
   * Starts listening; resolves the base URL, e.g. `http://127.0.0.1:34567`. When it cannot (a port in use), the relay
   * is closed before the error is thrown: make a new one to try again.
   */
  listen(): Promise<string>
  url: string | undefined
  /** `url + '/webhooks/' + secret`, after `listen`. */
  webhookUrl: string | undefined
  /** `http://host:port/metrics` when `metricsPort` is set, after `listen`. */
  metricsUrl: string | undefined
  /** Every route registered (method and Fastify path), CORS preflights and HEAD twins included. */
  readonly routes: readonly { method: string; url: string }[]
  issueToken(claims: TokenClaims, ttlSeconds?: number): Promise<string>
  /**
   * Graceful: stops accepting, ends streams with a retry hint, lets in-flight requests finish for up to
   * `shutdownTimeoutMs`, then cuts the connections left, and closes storage. A webhook answered 2xx is stored.
   */
  close(): Promise<void>
}

/** What Fastify hands a server factory: its HTTP/1 server settings (defaults filled in). */
interface ServerFactoryOptions {
  http?: ServerOptions
  keepAliveTimeout: number
  connectionTimeout: number
  maxRequestsPerSocket: number
}

/**
 * How long any call the relay makes to Flow.ai for a client waits, all attempts and back-off waits included, before
 * it is answered 503 (the REST client's `deadlineMs`; uploads, whose time grows with their size, are not bound by
 * it): someone is waiting for it. The REST client's own bounds (30 s an attempt, two retries) would hold a send to a
 * silent Flow.ai about 90 s. A send cut off here may still reach Flow.ai; a retry by the client with the same
 * `traceId` is how it is made safe, as for any 503.
 */
export const FLOW_INTERACTIVE_DEADLINE_MS = 15_000

/**
 * Creates a relay: webhook ingest, per-thread SSE with resume, the send proxy that keeps the API key, visitor
 * and operator auth (docs/relay-protocol.md).
 *
 * @example
 * const relay = await createRelay({ apiKey, webhookSecret, tokenSecret, corsOrigins: ['https://shop.example'] })
 * await relay.listen()
 * console.log(`point the Flow.ai webhook at ${relay.webhookUrl}`)
 */
export async function createRelay(options: RelayOptions): Promise<Relay> {
  // One table holds the rules and defaults of the CLI and of these options (relay-settings.ts).
  const o = validateRelayOptions(options)
  /** Proxies in front of the relay whose `X-Forwarded-For` entries are trusted. */
  const proxies = o.trustProxy === true ? 1 : o.trustProxy === false ? 0 : o.trustProxy
  const { requestTimeoutMs, shutdownTimeoutMs } = o
  const storage =
    options.storage ??
    createMemoryStorage({
      maxEvents: o.retentionMaxEvents,
      maxAgeMs: o.retentionMaxAge,
      maxBytes: o.retentionMaxBytes,
    })
  const tokens = createTokenService({ secret: o.tokenSecret, ttlSeconds: o.tokenTtlSeconds })
  const keyRefusals = createApiKeyRefusals()
  const storageOutage = createStorageOutage()
  const flowFetch = options.fetch ?? globalThis.fetch.bind(globalThis)
  const rest = createFlowRestClient({
    apiKey: o.apiKey,
    baseUrl: o.flowBaseUrl,
    auth: o.auth,
    maxUploadBytes: o.uploadLimitBytes,
    deadlineMs: FLOW_INTERACTIVE_DEADLINE_MS,
    // Any call Flow.ai answers 2xx shows the API key is good (again): its next refusal is an error once more.
    fetch: async (input, init) => {
      const response = await flowFetch(input, init)
      if (response.ok) keyRefusals.accepted()
      return response
    },
  })
  // Shared rate-limit counts and stream caps are best effort: while Redis does not answer, each instance holds the
  // stream caps on its own streams and the rate limits are not counted (`skipOnError`). So the connection fails
  // fast, as the storage's does: one that queued commands while Redis was away held every stream opening behind
  // its reconnect back-off (seconds after Redis was back), or for good while Redis hung.
  const ownRedis =
    typeof options.redis === 'string'
      ? (createRedisConnection({
          target: { url: options.redis },
          name: 'flowchat-relay-limits',
          commandTimeoutMs: 1000,
          onError: () => undefined,
        }) as Redis)
      : undefined
  // Commands are not queued: the first requests count on Redis only once it is connected. Unreachable now, the
  // relay starts on the local caps and shares them once ioredis has reconnected.
  if (ownRedis) await whenReady(ownRedis, 2_000).catch(() => undefined)
  const redis = ownRedis ?? (typeof options.redis === 'object' ? options.redis : undefined)
  const logger =
    options.logger === undefined || options.logger === false
      ? false
      : { ...(options.logger === true ? {} : options.logger), ...logRedaction([o.webhookSecret]) }
  const requestId = createRequestIds()
  /** Webhook POSTs answered ahead of Fastify (set once the routes exist); false: Fastify's request. */
  let fastPath: (req: IncomingMessage, res: ServerResponse) => boolean = () => false
  const maxParamLength = 800
  const app = Fastify({
    logger,
    genReqId: requestId,
    // Fastify's own HTTP/1 server, with the webhook fast path in front of its handler.
    serverFactory: (handler, fastifyOptions) => {
      const opts = fastifyOptions as unknown as ServerFactoryOptions
      const server = createServer(
        {
          ...opts.http,
          // Given at creation: Node derives `headersTimeout` (≤ this) from it then. Node checks the timeouts every
          // `connectionsCheckingInterval` (30 s by default, which would let a 30 s limit run to 60 s).
          requestTimeout: requestTimeoutMs,
          connectionsCheckingInterval:
            requestTimeoutMs > 0 ? Math.min(1000, Math.max(10, Math.floor(requestTimeoutMs / 4))) : 30_000,
          // Checked below, to answer in the relay's error shape.
          requireHostHeader: false,
        },
        (req, res) => {
          if (!refuseMissingHost(req, res) && !fastPath(req, res)) handler(req, res)
        },
      )
      server.on('checkExpectation', refuseExpectation)
      server.keepAliveTimeout = opts.keepAliveTimeout
      server.setTimeout(opts.connectionTimeout)
      if (opts.maxRequestsPerSocket > 0) server.maxRequestsPerSocket = opts.maxRequestsPerSocket
      return server
    },
    bodyLimit: o.bodyLimitBytes,
    // Thread ids reach 256 characters, and URL-encoding can triple them.
    routerOptions: { maxParamLength },
    // `proxies` hops: the peer and the proxies before it are trusted, and the address the outermost one appended to
    // `X-Forwarded-For` (nginx's `$proxy_add_x_forwarded_for`, HAProxy's `option forwardfor`) is the client's. The
    // entries before it are the client's own say: trusting them (Fastify's `true`) would let any client pick its
    // address under the per-address rate limits and stream caps. (Fastify refuses a hop count: a function it is.)
    trustProxy: proxies > 0 ? (_address: string, hop: number) => hop < proxies : false,
    return503OnClosing: true,
    // Requests Node's parser refuses, or not received within `requestTimeoutMs`, in the error shape.
    clientErrorHandler: answerClientError(requestTimeoutMs),
    // A `__proto__` or `constructor.prototype` key is dropped from JSON bodies, not answered "not valid JSON".
    onProtoPoisoning: 'remove',
    onConstructorPoisoning: 'remove',
    // The router's own refusals (a path parameter too long: 414; bad percent-encoding: 400) in the error shape,
    // without echoing the path.
    frameworkErrors: (error, _request, reply) => {
      const { status, body } = toHttpError(error)
      void (reply as FastifyReply).code(status).send(body)
    },
  })

  // JSON bodies nested past RelayLimits.jsonDepth are refused before parsing: parsed, they would overflow the stack
  // of the validation, the REST client's encoding or the SSE serialisation, and be lost after being accepted.
  // Bodies are JSON or multipart. Fastify's text/plain parser handed a JSON body sent as text/plain (what `fetch`
  // sends for a string body without a Content-Type) to the schema as a string: "expected object, received string".
  // Any type but those is a 415 naming it. (Webhooks take any type: their routes have a parser of their own.)
  app.removeContentTypeParser('text/plain')
  app.addContentTypeParser('*', (request, _payload, done) => {
    done(unsupportedContentType(request.headers['content-type']), undefined)
  })
  const parseJson = app.getDefaultJsonParser('remove', 'remove')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    try {
      assertJsonDepth(body)
    } catch (error) {
      done(error as Error, undefined)
      return
    }
    void parseJson(request, body as string, done)
  })

  app.setErrorHandler((error, request, reply) => {
    const { status, body, retryAfterSeconds } = answerError(error, request.log, [keyRefusals, storageOutage])
    if (retryAfterSeconds !== undefined) void reply.header('Retry-After', String(retryAfterSeconds))
    return reply.code(status).send(body)
  })
  // Fastify's own 404 logs the URL with its query string (an access_token): answer without logging it.
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: {
        code: 'not_found',
        message: `No route ${request.method} ${redactUrl(request.url, [o.webhookSecret]).split('?')[0]}.`,
      },
    }),
  )
  let closing: Promise<void> | undefined
  // Keep-alive connections that finish a request while closing would hold close() open: ask them to close.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) void reply.header('Connection', 'close')
    done(null, payload)
  })
  const routes: { method: string; url: string }[] = []
  const tabled = new Set(relayRoutes.map((r) => `${r.method} ${fastifyPath(r.path)}`))
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      routes.push({ method, url: route.url })
      // One contract: a route that is not in the protocol's table is a bug, caught when the relay is built.
      if (method !== 'HEAD' && method !== 'OPTIONS' && !tabled.has(`${method} ${route.url}`)) {
        throw new Error(`${method} ${route.url} is not in @flowchat/core/protocol's relayRoutes`)
      }
    }
  })
  await registerCors(app, o.corsOrigins)
  // A body sent compressed is refused by name before anything reads it (the webhook fast path leaves it here). In
  // `preParsing`, after the CORS hook, so a browser can read the answer.
  app.addHook('preParsing', (request, _reply, payload, done) => {
    const encoding = request.headers['content-encoding']
    const compressed =
      encoding !== undefined && encoding !== '' && !/^\s*identity\s*$/i.test(String(encoding))
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD' && request.method !== 'OPTIONS'
    done(compressed && hasBody ? unsupportedContentEncoding(String(encoding)) : null, payload)
  })
  const context: RelayContext = {
    storage,
    tokens,
    rest,
    metrics: createMetrics(),
    streams: createStreamRegistry({
      perToken: o.maxStreamsPerToken,
      perIp: o.maxStreamsPerIp,
      ...(redis ? { redis, keyPrefix: `${options.redisKeyPrefix ?? 'flowchat:'}streams:` } : {}),
    }),
    limits: await createRelayRateLimits(app, {
      limits: {
        sendsPerToken: { burst: o.rateLimitSendsPerTokenBurst, perSecond: o.rateLimitSendsPerTokenPerSecond },
        sendsPerIp: { burst: o.rateLimitSendsPerIpBurst, perSecond: o.rateLimitSendsPerIpPerSecond },
        sessionsPerIp: { burst: o.rateLimitSessionsPerIpBurst, perSecond: o.rateLimitSessionsPerIpPerSecond },
      },
      ...(redis ? { redis } : {}),
      keyPrefix: `${options.redisKeyPrefix ?? 'flowchat:'}ratelimit:`,
    }),
    settings: {
      webhookSecret: o.webhookSecret,
      operatorPassword: o.operatorPassword,
      anonymousSessions: o.anonymousSessions,
      bodyLimitBytes: o.bodyLimitBytes,
      uploadLimitBytes: o.uploadLimitBytes,
      heartbeatMs: o.heartbeatMs,
      retryMs: o.retryMs,
      maxBufferedBytes: o.maxBufferedBytes ?? minReaderBufferBytes(o.bodyLimitBytes),
      businessHoursTtlMs: o.businessHoursTtlMs,
      metricsOnMainPort: o.metricsPort === undefined,
      metricsToken: o.metricsToken,
    },
  }

  const ingest = createWebhookIngest({ ...context, outage: storageOutage })
  await app.register(webhookRoutes(context, ingest))
  await app.register(sessionRoutes(context))
  await app.register(streamRoutes(context))
  await app.register(threadRoutes(context))
  await app.register(operatorRoutes(context))
  await app.register(operationsRoutes(context))
  // Before the server stops: end SSE streams with a retry hint, so their connections do not hold close() open.
  let shuttingDown = false
  app.addHook('preClose', async () => {
    shuttingDown = true
    await context.streams.endAll(o.retryMs)
  })
  fastPath = createWebhookFastPath({
    ingest,
    bodyLimitBytes: o.bodyLimitBytes,
    maxParamLength,
    closing: () => shuttingDown || closing !== undefined,
    log: app.log,
    requestId,
    trustProxy: proxies > 0,
  })
  let metricsServer: MetricsServer | undefined
  app.addHook('onClose', async () => {
    await metricsServer?.close()
    await storage.close()
    if (ownRedis) await closeRedisConnection(ownRedis, { graceful: true })
  })

  const relay: Relay = {
    app,
    url: undefined,
    webhookUrl: undefined,
    metricsUrl: undefined,
    routes,
    async listen() {
      let address: string
      try {
        if (o.metricsPort !== undefined && !metricsServer) {
          metricsServer = await serveMetricsOnPort(context.metrics, {
            host: o.host,
            port: o.metricsPort,
            token: o.metricsToken,
          })
          relay.metricsUrl = `${metricsServer.url}/metrics`
        }
        address = await app.listen({ host: o.host, port: o.port })
      } catch (error) {
        // A port in use, say: the relay lets go of what it holds (its Redis connection, which reconnects for good,
        // the metrics port, the storage), so a program that does not call close() can still exit.
        await relay.close().catch(() => undefined)
        throw error
      }
      const url = address.replace('[::1]', 'localhost')
      relay.url = url
      relay.webhookUrl = `${url}/webhooks/${encodeURIComponent(o.webhookSecret)}`
      return url
    },
    issueToken: (claims, ttlSeconds) => Promise.resolve(tokens.issue(claims, ttlSeconds).token),
    close: () => (closing ??= closeWithin(app, shutdownTimeoutMs)),
  }
  return relay
}

/**
 * Closes the app, cutting the connections still open after `deadlineMs` (slow bodies, sends waiting on Flow.ai):
 * Fastify's close then carries on (its `onClose` hooks close storage). A webhook is answered only once stored, so
 * cutting one that was not answered loses nothing acknowledged: Flow.ai delivers it again.
 */
async function closeWithin(app: FastifyInstance, deadlineMs: number): Promise<void> {
  const closed = app.close()
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), deadlineMs)
  })
  try {
    if (await Promise.race([closed.then(() => false), late])) {
      app.log.warn(
        { deadlineMs },
        'requests still in flight at the shutdown deadline: closing their connections',
      )
      app.server.closeAllConnections()
      await closed
    }
  } finally {
    clearTimeout(timer)
  }
}
