import { describe, expect, it } from 'vitest'
import { MAX_TEXT_LENGTH } from '../schemas/primitives.js'
import { safeParse } from '../schemas/parse.js'
import { historyRoute, sendMessageRoute } from './thread-routes.js'
import { relayRoutes } from './relay-routes.js'
import { routePath, successAnswer } from './relay-route.js'

describe("the relay's route table", () => {
  it('names each operation once and each method + path once', () => {
    const ids = relayRoutes.map((r) => r.operationId)
    expect(new Set(ids).size).toBe(ids.length)
    const routes = relayRoutes.map((r) => `${r.method} ${r.path}`)
    expect(new Set(routes).size).toBe(routes.length)
  })

  it('declares every path placeholder as a path parameter, and at least one success answer', () => {
    for (const route of relayRoutes) {
      const placeholders = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1])
      const declared = Object.keys(('params' in route && route.params?.shape) || {})
      expect(declared.sort(), route.operationId).toEqual(placeholders.sort())
      expect(successAnswer(route), route.operationId).toBeDefined()
    }
  })

  it('encodes path parameters (thread ids hold `|`) and refuses a missing one', () => {
    expect(routePath(historyRoute, { threadId: 'a|o_1' })).toBe('/v1/threads/a%7Co_1/messages')
    expect(() => routePath(historyRoute, {})).toThrow(/threadId is required/)
  })

  it("bounds a text send by core's MAX_TEXT_LENGTH, the one text limit", () => {
    const ok = safeParse(sendMessageRoute.body, { type: 'text', text: 'x'.repeat(MAX_TEXT_LENGTH) })
    expect(ok.ok).toBe(true)
    const long = safeParse(sendMessageRoute.body, { type: 'text', text: 'x'.repeat(MAX_TEXT_LENGTH + 1) })
    expect(long.ok).toBe(false)
    if (!long.ok)
      expect(long.issues[0]).toMatchObject({ path: 'text', message: 'must be at most 255 characters' })
  })

  it('reads ?page= as a whole number from 1', () => {
    expect(safeParse(historyRoute.query, { page: '3' })).toEqual({ ok: true, value: { page: 3 } })
    expect(safeParse(historyRoute.query, { page: '0' }).ok).toBe(false)
    expect(safeParse(historyRoute.query, { page: '1.5' }).ok).toBe(false)
    expect(safeParse(historyRoute.query, { page: 'x' }).ok).toBe(false)
  })
})
