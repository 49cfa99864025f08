import type { FastifyInstance } from 'fastify'
import type { BusinessHours } from '@flowchat/core'
import { businessHoursRoute } from '@flowchat/core/protocol'
import { upstream } from '../http-error.js'
import { openingState } from '../opening-state.js'
import type { RelayContext } from '../relay-context.js'
import { registerRoute } from '../register-route.js'

/**
 * `GET /v1/business-hours`: Flow.ai's hours, cached for `businessHoursTtlMs` (a failure is not cached), and
 * whether the business is open now and when that next changes, read at every answer with the relay's clock: a
 * visitor's wrong clock or time zone no longer decides the closing banner, and the widget carries no calendar code.
 *
 * @example
 * registerBusinessHours(app, context)
 */
export function registerBusinessHours(
  app: FastifyInstance,
  context: RelayContext,
  now: () => number = Date.now,
): void {
  let hours: { value: Promise<BusinessHours[]>; at: number } | undefined
  registerRoute(app, businessHoursRoute, { tokens: context.tokens }, async () => {
    if (!hours || now() - hours.at > context.settings.businessHoursTtlMs) {
      const value = upstream(() => context.rest.getBusinessHours())
      hours = { value, at: now() }
      // A failure is not cached: the next request asks Flow.ai again.
      value.catch(() => {
        if (hours?.value === value) hours = undefined
      })
    }
    const businessHours = await hours.value
    // The clock is read after Flow.ai answered, so the delay counts from the moment the answer leaves.
    const at = now()
    const { open, nextChange } = openingState(businessHours, new Date(at))
    return {
      businessHours,
      open,
      ...(nextChange && {
        nextChangeAt: nextChange.toISOString(),
        nextChangeInMs: Math.max(0, nextChange.getTime() - at),
      }),
    }
  })
}
