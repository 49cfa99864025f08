import { readFile } from 'node:fs/promises'
import { describeIssue } from '../describe-issue.js'
import * as z from 'zod/mini'
import {
  businessHoursSchema,
  decodeTemplate,
  formatPath,
  responseSchema,
  TEMPLATE_TYPES,
  type BusinessHours,
  type Response,
} from '@flowchat/core/schemas'

const nonEmpty = z.string().check(z.minLength(1, 'must not be empty'))

const matchSchema = z
  .strictObject({
    /** Whole message, trimmed, case-insensitive; one of several spellings. */
    text: z.optional(z.union([nonEmpty, z.array(nonEmpty).check(z.minLength(1))])),
    /** Substring, case-insensitive. */
    contains: z.optional(nonEmpty),
    /** A JavaScript regular expression; its groups are `{{1}}`, `{{2}}`, … in replies. */
    regex: z.optional(nonEmpty),
    flags: z.optional(z.string().check(z.regex(/^[dgimsuvy]*$/, 'must be regular expression flags'))),
    /** An event name (`*` for any event). */
    event: z.optional(nonEmpty),
    /** The message type. */
    type: z.optional(z.enum(['text', 'event', 'location', 'media'])),
  })
  .check(
    z.refine((m) => Object.keys(m).some((k) => k !== 'flags'), {
      message: 'needs at least one of text, contains, regex, event, type',
    }),
  )

const ruleSchema = z.strictObject({
  name: z.optional(z.string()),
  match: matchSchema,
  /** Sent in order, one webhook call each, `replyDelayMs` apart. */
  replies: z.array(responseSchema),
  /** Hand the thread over to a human after replying (pauses the bot, sends the handover event). */
  handover: z.optional(
    z.union([
      z.boolean(),
      z.strictObject({ secondsToPause: z.optional(z.int().check(z.positive('must be positive'))) }),
    ]),
  ),
})

/** The `--script` file: rules tried in order, first match wins. */
export const botScriptSchema = z.strictObject({
  /** `extend` (default): the script's rules first, then the built-in ones. `replace`: only the script's. */
  mode: z.optional(z.enum(['extend', 'replace'])),
  rules: z.array(ruleSchema),
  businessHours: z.optional(z.array(businessHoursSchema)),
  triggerEvents: z.optional(z.array(nonEmpty)),
})

export type BotRule = z.output<typeof ruleSchema>
export type BotMatch = z.output<typeof matchSchema>
/** A bot script, as written in the JSON file. */
export type BotScript = z.input<typeof botScriptSchema>

/** A validated script. */
export interface LoadedScript {
  mode: 'extend' | 'replace'
  rules: BotRule[]
  businessHours: BusinessHours[] | undefined
  triggerEvents: string[] | undefined
}

/** A script that cannot be used; the message names the file, the rule and the field. */
export class ScriptError extends Error {
  override readonly name = 'ScriptError'
}

/**
 * Validates a script object: unknown keys, bad regular expressions and reply templates that do not fit their
 * type are errors naming the rule (`rules[2] "greeting".match.regex: …`).
 *
 * @example
 * parseScript({ rules: [{ match: { text: 'hi' }, replies: [{ type: 'text', payload: { text: 'Hello!' } }] }] })
 */
export function parseScript(value: unknown, source = 'script'): LoadedScript {
  const result = z.safeParse(botScriptSchema, value)
  if (!result.success) {
    const issue = result.error.issues[0]
    const path = issue ? describePath(value, issue.path) : '(root)'
    throw new ScriptError(`${source}: ${path}: ${issue ? describeIssue(issue, value) : 'is invalid'}`)
  }
  const script = result.data
  script.rules.forEach((rule, i) => {
    const where = describePath(value, ['rules', i])
    if (rule.match.regex !== undefined) {
      try {
        new RegExp(rule.match.regex, rule.match.flags)
      } catch (error) {
        throw new ScriptError(`${source}: ${where}.match.regex: ${(error as Error).message}`)
      }
    }
    rule.replies.forEach((reply: Response, j) => {
      if (!(TEMPLATE_TYPES as string[]).includes(reply.type)) return
      const decoded = decodeTemplate(reply)
      if (decoded.type === 'other') {
        throw new ScriptError(`${source}: ${where}.replies[${j}] (${reply.type}): ${decoded.reason}`)
      }
    })
  })
  return {
    mode: script.mode ?? 'extend',
    rules: script.rules,
    businessHours: script.businessHours,
    triggerEvents: script.triggerEvents,
  }
}

/**
 * Reads and validates a script file.
 *
 * @example
 * const script = await loadScriptFile('./bot.json')
 */
export async function loadScriptFile(file: string): Promise<LoadedScript> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new ScriptError(
      `script ${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    )
  }
  let json: unknown
  try {
    // A leading byte order mark (Notepad's UTF-8) is no JSON, but no mistake either.
    json = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch (error) {
    throw new ScriptError(`script ${file}: invalid JSON (${(error as Error).message})`)
  }
  return parseScript(json, `script ${file}`)
}

/** `rules[2] "greeting".match.regex`: the path, with the rule's name when it has one. */
function describePath(value: unknown, path: readonly PropertyKey[]): string {
  const text = formatPath(path)
  if (path[0] !== 'rules' || typeof path[1] !== 'number') return text
  const rules = (value as { rules?: unknown[] } | null)?.rules
  const name = (rules?.[path[1]] as { name?: unknown } | undefined)?.name
  if (typeof name !== 'string') return text
  const head = `rules[${path[1]}]`
  return `${head} "${name}"${text.slice(head.length)}`
}
