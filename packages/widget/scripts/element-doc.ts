// What an element's class doc (`@fires`, `@slot`, `@csspart`, `@cssprop`) and its templates declare, read from
// source text. The manifest build completes `custom-elements.json` with it; the manifest test checks against it.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** The names one kind of doc tag declares. */
export interface ElementDoc {
  fires: Map<string, string>
  slots: Map<string, string>
  cssParts: Map<string, string>
  cssProperties: Map<string, string>
}

const TAGS = { fires: 'fires', slot: 'slots', csspart: 'cssParts', cssprop: 'cssProperties' } as const

/**
 * Reads the doc comment right before `class <className>` in `source`. One tag may name several things
 * (`@csspart carousel, list, media`), several tags may share a line (`@csspart button - …; @csspart quick-reply - …`)
 * and a description may name variants (`also \`message-bot\`, \`message-agent\``): each becomes its own entry.
 *
 * @example
 * parseElementDoc(readFileSync('src/flow-chat.component.ts', 'utf8'), 'FlowChatElement').cssParts.has('launcher')
 */
export function parseElementDoc(source: string, className: string): ElementDoc {
  const at = source.search(new RegExp(`export\\s+class\\s+${className}\\b`))
  if (at < 0) throw new Error(`class ${className}: not found`)
  const start = source.lastIndexOf('/**', at)
  const comment = source.slice(start, source.indexOf('*/', start))
  const doc: ElementDoc = {
    fires: new Map(),
    slots: new Map(),
    cssParts: new Map(),
    cssProperties: new Map(),
  }
  const text = comment
    .split('\n')
    .map((line) => line.replace(/^\s*\/?\*+\s?/, ''))
    .join('\n')
  for (const m of text.matchAll(/@(fires|slot|csspart|cssprop)\s+([^@\n]*)/g)) {
    const into = doc[TAGS[m[1] as keyof typeof TAGS]]
    // `@fires {FlowChatOpenedEvent} flow-chat-opened - …`: the type in braces is the analyzer's, not a name.
    const body = (m[2] ?? '')
      .replace(/;\s*$/, '')
      .replace(/^\{[\w.<>]+\}\s*/, '')
      .trim()
    const dash = body.indexOf(' - ')
    const names = (dash < 0 ? body : body.slice(0, dash)).split(',').map((n) => n.trim())
    const description = dash < 0 ? '' : body.slice(dash + 3).trim()
    for (const name of names) if (name) into.set(name, description)
    for (const also of description.matchAll(/`([\w-]+)`/g)) {
      // A custom property's variants are custom properties: "(also the `offset` property)" names no CSS one.
      const variant = m[1] === 'cssprop' ? also[1]!.startsWith('--') : m[1] !== 'fires'
      if (variant && /\balso\b/.test(description)) into.set(also[1]!, `${description}`)
    }
  }
  return doc
}

/**
 * The CSS part names written literally in templates (`part="a b"`, `part="message message-${sender}"` gives
 * `message`), and the part names passed as a helper's first string argument (`iconButton('send', …)`).
 *
 * @example
 * templateParts('src').has('composer') // true
 */
export function templateParts(dir: string): Set<string> {
  const parts = new Set<string>()
  for (const file of sourceFiles(dir)) {
    const source = readFileSync(file, 'utf8')
    for (const m of source.matchAll(/\bpart="([^"]*)"/g)) {
      for (const name of (m[1] ?? '').split(/\s+/)) if (/^[\w-]+$/.test(name)) parts.add(name)
    }
    for (const m of source.matchAll(/\biconButton\(\s*'([\w-]+)'/g)) parts.add(m[1]!)
  }
  return parts
}

/** The `--flow-chat-*` custom properties the styles read. */
export function styleCustomProperties(dir: string): Set<string> {
  const names = new Set<string>()
  for (const file of sourceFiles(dir)) {
    for (const m of readFileSync(file, 'utf8').matchAll(/var\(\s*(--flow-chat-[\w-]+)/g)) names.add(m[1]!)
  }
  return names
}

/** The `<slot name="…">` names in templates. */
export function templateSlots(dir: string): Set<string> {
  const names = new Set<string>()
  for (const file of sourceFiles(dir)) {
    for (const m of readFileSync(file, 'utf8').matchAll(/<slot\s+name="([\w-]+)"/g)) names.add(m[1]!)
  }
  return names
}

/** Shipped sources: no tests, no test helpers. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.split(/[\\/]/).includes('testing'))
    .map((f) => join(dir, f))
}
