import {
  routePath,
  successAnswer,
  type RelayRoute,
  type RouteInput,
  type RouteOutput,
} from '../protocol/relay-route.js'
import type { RelayCallOptions, RelayHttp } from './relay-http.js'

/**
 * Calls a route of the protocol's table: method, path (parameters encoded) and answer schema come from the
 * route, and so do the input and answer types. Every call has the client's timeout and may carry a signal.
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
  const { params, query, body } = input as { params?: object; query?: object; body?: unknown }
  const schema = successAnswer(route)?.schema
  return http.request(route.method, routePath(route, params as Record<string, unknown> | undefined), {
    ...options,
    ...(schema ? { schema } : {}),
    ...(query ? { query: query as Record<string, string | number | undefined> } : {}),
    ...(body === undefined ? {} : { body }),
  }) as Promise<RouteOutput<R>>
}
