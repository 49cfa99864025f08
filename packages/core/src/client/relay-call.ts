import {
  routePath,
  successAnswer,
  type RelayRoute,
  type RouteInput,
  type RouteOutput,
} from '../protocol/relay-route.js'
import { safeParse, type ParseResult } from '../schemas/parse.js'
import type { AnswerReader, RelayCallOptions, RelayHttp, RelayRequest } from './relay-http.js'

/**
 * Where a route of the protocol's table lives and how its answer is read, without the table's zod schemas:
 * the visitor's client calls through these so that no schema library reaches the browser bundle. Method and
 * path are checked against the table's literal types by the compiler; input and answer types derive from it.
 */
export interface RouteRef<R extends RelayRoute> {
  method: R['method']
  path: R['path']
  read?: AnswerReader<RouteOutput<R>>
}

/**
 * A light reference to a route of the table: its method and path (which must equal the table's) and a reader of
 * its answer that returns the value or undefined.
 *
 * @example
 * const createSession = routeRef<typeof createSessionRoute>('POST', '/v1/sessions', readSession)
 */
export function routeRef<R extends RelayRoute>(
  method: R['method'],
  path: R['path'],
  read?: (json: unknown) => RouteOutput<R> | undefined,
): RouteRef<R> {
  return { method, path, read: read && ((json: unknown) => readResult(read(json))) }
}

/**
 * What `AnswerReader` gives for a light reader's answer. The failure does not repeat the request: the error that
 * carries it names the request already.
 */
function readResult<T>(value: T | undefined): ReturnType<AnswerReader<T>> {
  return value === undefined ? { ok: false, error: '' } : { ok: true, value }
}

/**
 * Calls a route through its light reference (see `routeRef`): typed like `callRelay`, read without zod.
 *
 * @example
 * const session = await callRoute(http, createSession, { body: {} }, { token: null })
 */
export function callRoute<R extends RelayRoute>(
  http: Pick<RelayHttp, 'request'>,
  route: RouteRef<R>,
  input: RouteInput<R>,
  options: RelayCallOptions = {},
): Promise<RouteOutput<R>> {
  const { params } = input as { params?: Record<string, unknown> }
  // The request takes the input's `query` and `body`, and has no use for its `params`.
  return http.request<RouteOutput<R>>(route.method, routePath(route, params), {
    ...options,
    ...(input as Pick<RelayRequest<unknown>, 'query' | 'body'>),
    read: route.read,
  })
}

/**
 * Calls a route of the protocol's table: method, path (parameters encoded) and answer schema come from the
 * route, and so do the input and answer types. Every call has the client's timeout.
 *
 * @example
 * const { isPaused } = await callRelay(http, botStatusRoute, { params: { threadId: 't1' } })
 */
export function callRelay<R extends RelayRoute>(
  http: Pick<RelayHttp, 'request'>,
  route: R,
  input: RouteInput<R>,
  options: RelayCallOptions = {},
): Promise<RouteOutput<R>> {
  const schema = successAnswer(route)?.schema
  const ref: RouteRef<R> = {
    method: route.method,
    path: route.path,
    ...(schema ? { read: (json: unknown) => safeParse(schema, json) as ParseResult<RouteOutput<R>> } : {}),
  }
  return callRoute(http, ref, input, options)
}
