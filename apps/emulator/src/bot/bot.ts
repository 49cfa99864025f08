import type { Response } from '@flowchat/core/schemas'
import { DEFAULT_RULES } from './default-rules.js'
import type { BotRule, LoadedScript } from './script.js'

/** What the bot is answering, already validated. */
export type BotInput =
  | { type: 'text'; text: string }
  | { type: 'event'; eventName: string }
  | { type: 'location'; lat: string; long: string; title?: string }
  | { type: 'media'; mediaType: string; url: string; title?: string }

/** The bot's answer: the parts to send (one webhook call each) and whether to hand over afterwards. */
export interface BotAnswer {
  rule: string
  responses: Response[]
  handover: { secondsToPause?: number } | undefined
}

/** Answers one message with the first matching rule, or returns undefined when none matches. */
export interface Bot {
  answer(input: BotInput, context: { name: string; origin: string }): BotAnswer | undefined
}

interface CompiledRule {
  rule: BotRule
  label: string
  test: (input: BotInput) => RegExpExecArray | true | undefined
}

/**
 * Builds the bot from a script (`extend`: its rules before the built-in ones; `replace`: only its rules) or the
 * built-in rules alone. Strings in replies may use `{{text}}`, `{{name}}`, `{{event}}`, `{{lat}}`, `{{long}}`,
 * `{{title}}`, `{{url}}`, `{{mediaType}}`, `{{origin}}` and the regex groups `{{1}}`, `{{2}}`, ….
 *
 * @example
 * const bot = createBot()
 * bot.answer({ type: 'text', text: 'image' }, { name: 'Ann', origin: 'http://127.0.0.1:8787' })?.responses[0]?.type // 'image'
 */
export function createBot(script?: LoadedScript): Bot {
  const rules = script
    ? script.mode === 'replace'
      ? script.rules
      : [...script.rules, ...DEFAULT_RULES]
    : DEFAULT_RULES
  const compiled = rules.map((rule, i) => compile(rule, rule.name ?? `rules[${i}]`))
  return {
    answer(input, context) {
      for (const { rule, label, test } of compiled) {
        const hit = test(input)
        if (!hit) continue
        const vars = variables(input, context, hit === true ? undefined : hit)
        const handover = rule.handover === true ? {} : rule.handover || undefined
        return { rule: label, responses: rule.replies.map((r) => fill(r, vars) as Response), handover }
      }
      return undefined
    },
  }
}

function compile(rule: BotRule, label: string): CompiledRule {
  const { match } = rule
  const texts = match.text === undefined ? undefined : [match.text].flat().map((t) => t.trim().toLowerCase())
  const regex = match.regex === undefined ? undefined : new RegExp(match.regex, match.flags)
  const contains = match.contains?.toLowerCase()
  return {
    rule,
    label,
    test(input) {
      if (match.type !== undefined && input.type !== match.type) return undefined
      if (match.event !== undefined) {
        if (input.type !== 'event' || (match.event !== '*' && match.event !== input.eventName))
          return undefined
      }
      const needsText = texts !== undefined || contains !== undefined || regex !== undefined
      if (!needsText) return true
      if (input.type !== 'text') return undefined
      const said = input.text.trim().toLowerCase()
      if (texts && !texts.includes(said)) return undefined
      if (contains !== undefined && !said.includes(contains)) return undefined
      if (regex) {
        regex.lastIndex = 0
        return regex.exec(input.text) ?? undefined
      }
      return true
    },
  }
}

function variables(
  input: BotInput,
  context: { name: string; origin: string },
  groups: RegExpExecArray | undefined,
): Record<string, string> {
  const vars: Record<string, string> = { name: context.name, origin: context.origin }
  groups?.forEach((g, i) => (vars[String(i)] = g ?? ''))
  switch (input.type) {
    case 'text':
      vars.text = input.text
      break
    case 'event':
      vars.event = input.eventName
      break
    case 'location':
      Object.assign(vars, { lat: input.lat, long: input.long, title: input.title ?? 'Your location' })
      break
    case 'media':
      Object.assign(vars, { mediaType: input.mediaType, url: input.url, title: input.title ?? input.url })
      break
  }
  return vars
}

/** Replaces `{{name}}` placeholders in every string of a reply template; unknown names become empty. */
function fill(value: unknown, vars: Record<string, string>): unknown {
  if (typeof value === 'string')
    return value.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, key: string) => vars[key] ?? '')
  if (Array.isArray(value)) return value.map((v) => fill(v, vars))
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, vars)]))
  }
  return value
}
