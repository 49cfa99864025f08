import * as z from 'zod/mini'
import type { FlowErrorCode } from '../errors.js'

/**
 * Every relay error answer: `{"error":{code,message,path?}}`, `code` a `FlowErrorCode`.
 *
 * @example
 * const r = safeParse(relayErrorBodySchema, await response.json())
 */
export const relayErrorBodySchema = z.object({
  error: z.looseObject({
    code: z.string(),
    message: z.string(),
    path: z.optional(z.string()),
  }),
})

/** Every relay error answer. */
export interface RelayErrorBody {
  error: { code: FlowErrorCode; message: string; path?: string }
}
