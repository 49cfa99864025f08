import type * as z from 'zod/mini'

/**
 * Who may call a route, and how they prove it.
 * - `none`: nobody needs a credential.
 * - `session`: none (a new anonymous thread), or a thread token to refresh.
 * - `operatorPassword`: `Authorization: Bearer <operator password>`.
 * - `token`: any valid token, thread or operator.
 * - `thread`: a thread token of the `threadId` in the path, or an operator token.
 * - `operator`: an operator token.
 * - `webhookSecret`: the secret path segment of the webhook URL.
 * - `metrics`: `Authorization: Bearer <metrics token>` when the relay has one, else none.
 */
export const RouteAuth = {
  none: 'none',
  session: 'session',
  operatorPassword: 'operatorPassword',
  token: 'token',
  thread: 'thread',
  operator: 'operator',
  webhookSecret: 'webhookSecret',
  metrics: 'metrics',
} as const
export type RouteAuth = (typeof RouteAuth)[keyof typeof RouteAuth]

/** HTTP methods the relay serves. */
export type RelayMethod = 'GET' | 'POST' | 'DELETE'

/** One answer of a route: what it means, its media type (default JSON) and its body. */
export interface RouteAnswer {
  description: string
  /** Default `application/json`. */
  contentType?: string
  schema?: z.ZodMiniType
}

/** An object of named values (path parameters, query, headers). */
type Fields = z.ZodMiniObject

/**
 * One relay route: everything a server needs to validate it and a client needs to call it.
 * Paths use OpenAPI's `{name}` placeholders; path values are URL-encoded (thread ids hold `|`).
 */
export interface RelayRoute {
  /** Unique, stable: OpenAPI's `operationId` and the client's name for the call. */
  operationId: string
  method: RelayMethod
  path: string
  summary: string
  description?: string
  tag: 'sessions' | 'streams' | 'threads' | 'operator' | 'webhooks' | 'operations'
  auth: RouteAuth
  /** `?access_token=` accepted in place of the `Authorization` header (only where a native EventSource calls). */
  accessTokenQuery?: boolean
  params?: Fields
  query?: Fields
  /** Request headers the route reads (documentation; the route checks them itself). */
  headers?: Fields
  /** The JSON body. */
  body?: z.ZodMiniType
  /** True when a request without a body is refused. */
  bodyRequired?: boolean
  /** A `multipart/form-data` alternative: the `query` part's JSON and a `file` part. */
  multipartQuery?: z.ZodMiniType
  /** Answers by status, the successful ones. */
  answers: Readonly<Partial<Record<200 | 201 | 202 | 204, RouteAnswer>>>
  /** Error statuses the route may answer, each with the protocol's error body. */
  errors: readonly number[]
  deprecated?: boolean
}

/**
 * Declares a route, keeping its literal types so that callers derive their input and answer types from it.
 *
 * @example
 * export const pauseBotRoute = defineRoute({ operationId: 'pauseBot', method: 'POST', path: '/v1/threads/{threadId}/pause', … })
 */
export function defineRoute<const R extends RelayRoute>(route: R): R {
  return route
}

type InputOf<S> = S extends z.ZodMiniType ? z.input<S> : undefined

/** What a caller gives for a route: its path parameters, query and body, each typed by the table. */
export type RouteInput<R extends RelayRoute> = (R['params'] extends Fields
  ? { params: z.input<R['params']> }
  : { params?: undefined }) &
  (R['query'] extends Fields ? { query?: z.input<R['query']> } : { query?: undefined }) &
  (R['body'] extends z.ZodMiniType
    ? R['bodyRequired'] extends true
      ? { body: InputOf<R['body']> }
      : { body?: InputOf<R['body']> }
    : { body?: undefined })

type SuccessStatus = 200 | 201 | 202 | 204
type AnswerSchemaOf<A> = A extends { schema: infer S extends z.ZodMiniType } ? z.output<S> : undefined

/** What a route answers on success, typed by the table (a union when it has more than one success answer). */
export type RouteOutput<R extends RelayRoute> = {
  [K in keyof R['answers'] & SuccessStatus]: AnswerSchemaOf<R['answers'][K]>
}[keyof R['answers'] & SuccessStatus]

/**
 * The path of a route with its parameters URL-encoded.
 *
 * @example
 * routePath(pauseBotRoute, { threadId: 'a|b' }) // '/v1/threads/a%7Cb/pause'
 */
export function routePath(route: Pick<RelayRoute, 'path'>, params: Record<string, unknown> = {}): string {
  return route.path.replace(/\{(\w+)\}/g, (_all, name: string) => {
    const value = params[name]
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new TypeError(`${route.path}: ${name} is required`)
    }
    return encodeURIComponent(value)
  })
}

/**
 * The success answer of a route for a status, or its only success answer.
 *
 * @example
 * successAnswer(createSessionRoute, 201)?.schema
 */
export function successAnswer(route: RelayRoute, status?: number): RouteAnswer | undefined {
  const answers = route.answers as Partial<Record<number, RouteAnswer>>
  if (status !== undefined && answers[status]) return answers[status]
  return Object.values(answers)[0]
}
