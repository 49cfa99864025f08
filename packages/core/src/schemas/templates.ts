import * as z from 'zod/mini'
import { coordinateSchema } from './primitives.js'
import { safeParse } from './parse.js'

/** Button types a reply may carry. Unknown types are read as they come and rendered as plain labels. */
export const ButtonType = {
  url: 'url',
  phone: 'phone',
  postback: 'postback',
  event: 'event',
  flow: 'flow',
  step: 'step',
  share: 'share',
  login: 'login',
  webview: 'webview',
} as const
export type ButtonType = (typeof ButtonType)[keyof typeof ButtonType]

export const buttonSchema = z.looseObject({
  type: z.string(),
  label: z.string(),
  value: z.optional(z.string()),
  id: z.optional(z.string()),
  params: z.optional(z.unknown()),
})

/** A quick reply; `value` defaults to the label and `type` to `text`. */
export const quickReplySchema = z.pipe(
  z.looseObject({
    label: z.string(),
    value: z.optional(z.string()),
    type: z.optional(z.string()),
  }),
  z.transform((q) => ({ ...q, value: q.value ?? q.label, type: q.type ?? 'text' })),
)

const mediaRefSchema = z.looseObject({ url: z.string(), type: z.optional(z.string()) })

export const textTemplateSchema = z.looseObject({
  text: z.string(),
  quickReplies: z.optional(z.array(quickReplySchema)),
})
export const mediaTemplateSchema = z.looseObject({
  url: z.string(),
  title: z.optional(z.string()),
  thumbnailUrl: z.optional(z.string()),
  duration: z.optional(z.number()),
})
export const locationTemplateSchema = z.looseObject({
  lat: coordinateSchema,
  long: coordinateSchema,
  title: z.optional(z.string()),
})
export const cardTemplateSchema = z.looseObject({
  title: z.optional(z.string()),
  subtitle: z.optional(z.string()),
  media: z.optional(mediaRefSchema),
  buttons: z.optional(z.array(buttonSchema)),
})
export const buttonsTemplateSchema = z.looseObject({
  title: z.optional(z.string()),
  buttons: z.array(buttonSchema),
})
export const carouselTemplateSchema = z.looseObject({ cards: z.array(cardTemplateSchema) })
export const listTemplateSchema = z.looseObject({
  items: z.array(
    z.looseObject({
      title: z.optional(z.string()),
      subtitle: z.optional(z.string()),
      media: z.optional(mediaRefSchema),
      buttons: z.optional(z.array(buttonSchema)),
      featured: z.optional(z.boolean()),
    }),
  ),
  buttons: z.optional(z.array(buttonSchema)),
})

/** A delay in ms: a number or a numeric string; anything else is dropped rather than failing the reply. */
const delaySchema = z.pipe(
  z.unknown(),
  z.transform((v): number | undefined => {
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v
    return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined
  }),
)

/**
 * A reply template as it arrives: its type, payload and optional delay (ms).
 *
 * @example
 * safeParse(responseSchema, { type: 'text', payload: { text: 'Hi' }, delay: '500' }).value.delay // 500
 */
export const responseSchema = z.looseObject({
  type: z.string(),
  payload: z.optional(z.unknown()),
  delay: z.optional(delaySchema),
})

const templateSchemas = {
  text: textTemplateSchema,
  image: mediaTemplateSchema,
  video: mediaTemplateSchema,
  audio: mediaTemplateSchema,
  file: mediaTemplateSchema,
  location: locationTemplateSchema,
  card: cardTemplateSchema,
  buttons: buttonsTemplateSchema,
  carousel: carouselTemplateSchema,
  list: listTemplateSchema,
} as const

/** Template types a chat UI renders natively; any other type shows the message's fallback text. */
export type TemplateType = keyof typeof templateSchemas
export const TEMPLATE_TYPES = Object.keys(templateSchemas) as TemplateType[]

export type Button = z.infer<typeof buttonSchema>
export type QuickReply = z.output<typeof quickReplySchema>
export type TextTemplate = z.output<typeof textTemplateSchema>
export type MediaTemplate = z.output<typeof mediaTemplateSchema>
export type LocationTemplate = z.output<typeof locationTemplateSchema>
export type CardTemplate = z.output<typeof cardTemplateSchema>
export type ButtonsTemplate = z.output<typeof buttonsTemplateSchema>
export type CarouselTemplate = z.output<typeof carouselTemplateSchema>
export type ListTemplate = z.output<typeof listTemplateSchema>
export type Response = z.output<typeof responseSchema>

/** A decoded reply template: a known type with its typed payload, or `other` with the reason. */
export type Template =
  | { type: 'text'; payload: TextTemplate; delay?: number }
  | { type: 'image' | 'video' | 'audio' | 'file'; payload: MediaTemplate; delay?: number }
  | { type: 'location'; payload: LocationTemplate; delay?: number }
  | { type: 'card'; payload: CardTemplate; delay?: number }
  | { type: 'buttons'; payload: ButtonsTemplate; delay?: number }
  | { type: 'carousel'; payload: CarouselTemplate; delay?: number }
  | { type: 'list'; payload: ListTemplate; delay?: number }
  | { type: 'other'; originalType: string; payload: unknown; reason: string; delay?: number }

/**
 * Decodes one response into a typed template. Never throws: an unknown type, or a known type whose payload
 * does not fit, becomes `{ type: 'other' }` so the UI can show the message's fallback text instead. The response
 * is read as it arrives (`responseSchema`): a delay may be a numeric string, a bad one is dropped, and a value
 * that is not an object with a string `type` is `other` too.
 *
 * @example
 * decodeTemplate({ type: 'text', payload: { text: 'Hi' } }) // { type: 'text', payload: { text: 'Hi' } }
 * decodeTemplate({ type: 'webview', payload: {} }).type      // 'other'
 */
export function decodeTemplate(given: Response): Template {
  const read = safeParse(responseSchema, given)
  const response = read.ok ? read.value : undefined
  if (!response) {
    return {
      type: 'other',
      originalType: '',
      payload: undefined,
      reason: 'a response must be an object with a string `type`',
    }
  }
  const delay = response.delay === undefined ? {} : { delay: response.delay }
  // Own keys only: a type named `constructor` or `__proto__` is an unsupported type, not Object.prototype's.
  const schema = Object.hasOwn(templateSchemas, response.type)
    ? (templateSchemas as Record<string, z.ZodMiniType | undefined>)[response.type]
    : undefined
  if (!schema) {
    return {
      type: 'other',
      originalType: response.type,
      payload: response.payload,
      reason: 'unsupported type',
      ...delay,
    }
  }
  const parsed = safeParse(schema, response.payload)
  if (!parsed.ok) {
    return {
      type: 'other',
      originalType: response.type,
      payload: response.payload,
      reason: parsed.error,
      ...delay,
    }
  }
  return { type: response.type, payload: parsed.value, ...delay } as Template
}
